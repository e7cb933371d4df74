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
  readonly ex: Record<string, (...args: number[]) => number>;
  f32(ptr: number, len: number): Float32Array;
  setParams(src: Float32Array): void;
}
export type OpName = 'probs' | 'logits' | 'loss' | 'inputGrad' | 'hvp' | 'attack' | 'surface' | 'train';
export type Share = { lo: number; hi: number } | { parts: number[] };
export function runOp(cache: Map<string, DenseKernels>, module: WebAssembly.Module, op: OpName, args: Record<string, unknown>, share: Share): void;
export function takeChunks(cache: Map<string, DenseKernels>, module: WebAssembly.Module, op: OpName, args: Record<string, unknown>, chunks: Share[], sync: Int32Array): void;
