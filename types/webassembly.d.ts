// The few WebAssembly JS-API members the fast kernels use (main/engine/fast/, native/*.mjs). The
// project's lib is ES2023 without DOM, which declares WebAssembly only as a namespace of types.
declare namespace WebAssembly {
  interface Module {
    readonly __brand?: 'WebAssembly.Module';
  }
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
}
declare var WebAssembly: {
  Module: { new (bytes: Uint8Array): WebAssembly.Module };
  Memory: { new (d: { initial: number; maximum?: number }): WebAssembly.Memory };
  Instance: { new (m: WebAssembly.Module, imports: Record<string, Record<string, unknown>>): WebAssembly.Instance };
};
