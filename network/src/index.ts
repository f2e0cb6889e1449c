export * from './definition';
export { Devnet, REPO_ROOT } from './devnet';
export type { DevnetOptions, DevnetStatus, UpReport } from './devnet';
export { DevnetError } from './errors';
export { findFabric, installFabric, requireFabric } from './fabric';
export { isAlive } from './processes';
export type { FabricHome } from './fabric';
export type { ConnectionDescriptor } from './artifacts';
