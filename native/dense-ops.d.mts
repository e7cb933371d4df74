// Types of dense-ops.mjs for the TypeScript engine (main/engine/fast/).
export const GRAD_PARTS: number;
export function paramCount(widths: number[]): number;
export class DenseKernels {
  constructor(module: WebAssembly.Module, widths: number[]);
  readonly widths: number[];
  readonly P: number;
  readonly params: number;
  readonly grads: number;
  readonly gsum: number;
  readonly m: number;
  readonly v: number;
  /** Per-row buffers (pointers into the instance's memory), laid out by ensure(rows). */
  readonly X: number;
  readonly dX: number;
  readonly frozen: number;
  readonly cap: number;
  readonly eps: number;
  readonly ex: Record<string, (...args: number[]) => number>;
  ensure(rows: number): void;
  f32(ptr: number, len: number): Float32Array;
  u8(ptr: number, len: number): Uint8Array;
  setParams(src: Float32Array): void;
}
export type OpName = 'probs' | 'logits' | 'loss' | 'inputGrad' | 'hvp' | 'attack' | 'surface' | 'train';
export type Share = { lo: number; hi: number } | { parts: number[] };
export function runOp(cache: Map<string, DenseKernels>, module: WebAssembly.Module, op: OpName, args: Record<string, unknown>, share: Share): void;
export function takeChunks(cache: Map<string, DenseKernels>, module: WebAssembly.Module, op: OpName, args: Record<string, unknown>, chunks: Share[], sync: Int32Array): void;
