/**
 * @clearance/domain/node: the domain's rules that use Node's crypto, for the chaincode,
 * the gateway and the devices (never the portal): reading signatures, NTAG 424 SUN
 * messages and AES-CMAC, the checkpoint tap check, Merkle evidence of reading batches and
 * the crossing's random draw. Also everything of @clearance/domain/seal-devices, so a
 * device or the gateway imports the seal devices' domain from one place.
 */
export * from '../seals/devices';
export * from './checkpoint';
export * from './evidence';
export * from './merkle';
export * from './reading-signature';
export * from './sun';
export * from './crossing-draw';
