import './nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
export { createNodes, createNodesV2 } from './plugins/nodes';
export { createDependencies } from './plugins/dependencies';
export type { RustPerfPluginOptions } from './plugins/options';
