/**
 * Job events for one window. Jobs belong to the JobManager, not to a page, so they outlive a reload:
 * every (re)load of the page first gets every job that exists, then each change, as the loopback
 * server's socket does on connect.
 */
import type { JobInfo } from '../../shared/api/contract.ts';
import type { JobManager } from '../jobs/job-manager.ts';
import { JOB_CHANNEL } from '../../shared/api/operation-names.ts';


/** What job events need of a window's web contents (Electron's WebContents has it). */
export interface JobWindow {
  send(channel: string, job: JobInfo): void;
  isDestroyed(): boolean;
  on(event: 'did-finish-load', listener: () => void): unknown;
  on(event: 'destroyed', listener: () => void): unknown;
}

export function streamJobs(jobs: JobManager, contents: JobWindow): void {
  const push = (job: JobInfo) => {
    if (!contents.isDestroyed()) contents.send(JOB_CHANNEL, job);
  };
  jobs.on('job', push);
  contents.on('did-finish-load', () => jobs.list().forEach(push));
  contents.on('destroyed', () => jobs.off('job', push));
}
