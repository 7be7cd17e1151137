export { createNodes, createNodesV2 } from './plugins/nodes';
export { createDependencies } from './plugins/dependencies';
export type { RustPerfPluginOptions } from './plugins/options';
