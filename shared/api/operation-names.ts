/**
 * The operations by name only, without their schemas: the Electron preload builds its one function per
 * operation from this list and so stays a few kilobytes instead of bundling zod. contract.ts checks at
 * compile time that this list and its OPERATIONS name exactly the same operations.
 */
export const OPERATION_NAMES = [
  'listRuns', 'getRun', 'deleteRun', 'setRunTags', 'evaluate', 'figure', 'exportChart', 'exportCharts',
  'dataSummary', 'dataPage', 'inspectJet', 'startJob', 'cancelJob', 'listJobs', 'info', 'backend',
  'listScans', 'scanStatus', 'submitScan', 'collectScan',
] as const;

/** Over IPC and the socket, job events arrive on this channel. */
export const JOB_CHANNEL = 'tagscape:job';

/** Desktop only: the Open dialog for a data file (a browser page cannot hand main a path). */
export const OPEN_DATA_CHANNEL = 'tagscape-dialog:open-data';
/** Desktop only: the Save dialog for an exported figure. */
export const SAVE_FILE_CHANNEL = 'tagscape-dialog:save-file';
