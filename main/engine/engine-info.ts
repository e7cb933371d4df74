/**
 * What this process computes on, for people: the tensor backend (and why it is not native TensorFlow)
 * plus the kernel path of the dense tagger and its threads. The status bar, `tagscape doctor`,
 * `--version`, `serve` and the About box show it.
 */
import { initBackend, type BackendInfo, type BackendName } from './backend.ts';
import { kernelPath, threadCount } from './fast/kernels.ts';

export async function engineInfo(prefer?: BackendName): Promise<BackendInfo> {
  const info = await initBackend(prefer);
  const path = kernelPath();
  return { ...info, kernels: { path, threads: path === 'simd' ? threadCount() : info.threads } };
}
