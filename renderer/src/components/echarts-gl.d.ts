// echarts-gl ships no types. Its chart and component exports are echarts extension installers, which is
// all Surface3D.vue uses of it.
declare module 'echarts-gl/charts' {
  type Installer = Extract<Parameters<typeof import('echarts').use>[0], (...args: never[]) => void>;
  export const SurfaceChart: Installer;
  export const Line3DChart: Installer;
  export const Scatter3DChart: Installer;
}
declare module 'echarts-gl/components' {
  type Installer = Extract<Parameters<typeof import('echarts').use>[0], (...args: never[]) => void>;
  export const Grid3DComponent: Installer;
}
// The post-processing graphs, whose size expressions gl-without-eval.ts rewrites.
declare module 'echarts-gl/lib/effect/composite.js' {
  const graph: Parameters<typeof import('./gl-without-eval.ts').replaceExpressions>[0];
  export default graph;
}
declare module 'echarts-gl/lib/effect/compositeMobile.js' {
  const graph: Parameters<typeof import('./gl-without-eval.ts').replaceExpressions>[0];
  export default graph;
}
