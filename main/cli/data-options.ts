/** The data options `train` and `evaluate` share: the mapping file and whether to stream from disk. */
import { canStream, openJets, STREAM_THRESHOLD_BYTES, STREAMABLE, streamingNote, type OpenOptions } from '../engine/data/open.ts';
import { DEFAULT_BLOCK_ROWS, type JetSource } from '../engine/data/source.ts';
import { optionalNumber, type OptionSpec } from './args.ts';
import { CliError, type Out } from './output.ts';

export const DATA_OPTIONS: OptionSpec = {
  map: { type: 'string' },
  stream: { type: 'boolean' },
  'in-memory': { type: 'boolean' },
  'block-rows': { type: 'string' },
};

export const DATA_HELP: Array<[string, string]> = [
  ['--map MAPPING.json', 'tables only: column names -> schema features, the label column and its values -> classes'],
  ['--stream', `read ${STREAMABLE} files a block at a time instead of whole (default: when the inputs exceed ${STREAM_THRESHOLD_BYTES / 2 ** 20} MiB)`],
  ['--in-memory', 'hold in memory, even above that size, what is read at random (training: the training jets; validation jets go to a scratch file, test jets are read when evaluated)'],
  ['--block-rows N', `jets per block read when streaming (default ${DEFAULT_BLOCK_ROWS})`],
];

export function openOptions(v: Record<string, unknown>): OpenOptions {
  if (v.stream && v['in-memory']) throw new CliError('--stream and --in-memory exclude each other; give one of them.', 2);
  return {
    map: v.map as string | undefined,
    stream: v.stream ? true : v['in-memory'] ? false : 'auto',
    blockRows: optionalNumber(v, 'block-rows', { integer: true, min: 1 }),
  };
}

/** Open --data as the options say; a streamed file is named on stderr. The caller closes the source. */
export async function openData(spec: string, v: Record<string, unknown>, out: Out, seed?: number): Promise<JetSource> {
  const options = openOptions(v);
  if (options.stream === true && !canStream(spec)) out.note(`note: only ${STREAMABLE} files are streamed; ${spec} is loaded whole.`);
  const src = await openJets(spec, { ...options, seed });
  const streamed = streamingNote(src);
  if (streamed) out.note(`data: ${streamed}, ${options.blockRows ?? DEFAULT_BLOCK_ROWS} per block`);
  return src;
}
