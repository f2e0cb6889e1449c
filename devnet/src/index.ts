export * from './definition';
export { Devnet, REPO_ROOT } from './devnet';
export { requestJson, type Answer as GatewayAnswer } from './demo/client';
export type { DevnetOptions, DevnetStatus, UpReport } from './devnet';
export { FabricAdmin } from './admin';
export { DevnetError } from './errors';
export { findFabric, hasChannelParticipation, installFabric, requireFabric } from './fabric';
export { isAlive, kill9Tree } from './processes';
export type { FabricHome } from './fabric';
export type { ConnectionDescriptor, OrdererEndpoint, PeerEndpoint } from './artifacts';
export { POSTGRES, REDIS, postgresRoot } from './services';
export type { ServiceUrls } from './services';
export { HostsDevnet } from './hosts-devnet';
export type {
  HostProcess,
  HostsDevnetOptions,
  HostsSettings,
  HostsStatus,
  HostStatus,
} from './hosts-devnet';
export { ChannelConfigurator, admitOrganisation } from './admit';
export type { ConfigJson, UpdateOutcome } from './admit';
export type { BroadcastRefusal } from './admin';
export { hostsNetwork, hostsFile, type HostsNetwork, type HostPlan, type Layout } from './layout';
export type { LinkLatency } from './border';
export {
  GATEWAY_PROCESS,
  hostGateway,
  hostGateways,
  hostGatewaySecrets,
  startHostGateways,
  stopHostGateways,
} from './host-gateways';
export type { HostGateway } from './host-gateways';
export type { GatewaySecrets } from './gateway-secrets';
export { officersOf } from './host-gateway-cli';
