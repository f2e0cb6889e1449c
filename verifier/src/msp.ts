/**
 * Fabric's X.509 MSP, as the channel configuration defines each organisation: which
 * certificates are its members (a chain to one of its roots through its intermediates, not
 * revoked, with a node OU), and which identities satisfy a principal (member, admin,
 * client, peer, orderer, an OU, one exact identity). After msp/mspimpl.go (MSP version
 * 1.4.3, which Fabric 2.x channels use). Pure: certificates come from the configuration.
 */
import { toHex } from '@clearance/core';
import {
  parseCertificate,
  parseCrl,
  verifySignature,
  type ParsedCertificate,
} from '@clearance/domain';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Name } from '@peculiar/asn1-x509';
import { concat, sha256 } from './crypto';
import {
  PRINCIPAL,
  ROLE,
  decodeMspRole,
  decodeOrganizationUnit,
  decodeSerializedIdentity,
  type FabricMspConfig,
  type NodeOU,
  type Principal,
} from './fabric-messages';
import { Message } from './protobuf';

/** Why an identity is not a member of the MSP it names. */
export type IdentityFault =
  | 'UNKNOWN_MSP'
  | 'NOT_A_CERTIFICATE'
  | 'CA_AS_IDENTITY'
  | 'NOT_ISSUED_BY_MSP'
  | 'ISSUER_NOT_A_LEAF_CA'
  | 'REVOKED'
  | 'OU_NOT_ACCEPTED';

export interface Identity {
  mspId: string;
  certificate: ParsedCertificate;
  /** mspId + SHA-256 of the certificate: Fabric's identifier, for removing duplicates. */
  key: string;
  /** The certificate's subject OUs. */
  ous: string[];
}

interface OuIdentifier {
  ou: string;
  /** SHA-256 over the certification chain of the CA that must have issued it; empty: any. */
  certifiers: string;
}

export interface Msp {
  id: string;
  roots: ParsedCertificate[];
  intermediates: ParsedCertificate[];
  admins: ParsedCertificate[];
  crls: ReturnType<typeof parseCrl>[];
  ouIdentifiers: OuIdentifier[];
  nodeOUs?: {
    enable: boolean;
    client?: OuIdentifier;
    peer?: OuIdentifier;
    admin?: OuIdentifier;
    orderer?: OuIdentifier;
  };
  /** CAs that issued another CA of this MSP: an identity must not be issued by one. */
  internalCas: Set<ParsedCertificate>;
}

/** The first PEM block's DER (Fabric reads the first block of id_bytes). */
export function firstPemBlock(pem: Uint8Array): Uint8Array | undefined {
  const text = new TextDecoder().decode(pem);
  const match = /-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\s]*?)-----END \1-----/.exec(text);
  if (!match) return undefined;
  try {
    const binary = atob((match[2] ?? '').replace(/\s+/g, ''));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function certificateOf(bytes: Uint8Array): ParsedCertificate | undefined {
  const der = firstPemBlock(bytes) ?? bytes;
  try {
    return parseCertificate(der);
  } catch {
    return undefined;
  }
}

function subjectOus(cert: ParsedCertificate): string[] {
  try {
    return AsnConvert.parse(cert.subjectDer, Name).flatMap((rdn) =>
      rdn.filter((atv) => atv.type === '2.5.4.11').map((atv) => atv.value.toString()),
    );
  } catch {
    return [];
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** Whether `ca` issued `cert`: names chain, key identifiers agree, the signature verifies. */
async function issued(ca: ParsedCertificate, cert: ParsedCertificate): Promise<boolean> {
  if (!sameBytes(ca.subjectDer, cert.issuerDer)) return false;
  if (ca.subjectKeyId && cert.authorityKeyId && !sameBytes(ca.subjectKeyId, cert.authorityKeyId))
    return false;
  try {
    return await verifySignature(ca, cert.signatureAlgorithm, cert.signature, cert.tbs);
  } catch {
    return false;
  }
}

const validAt = (cert: ParsedCertificate, at: number) =>
  cert.notBefore.getTime() <= at && at <= cert.notAfter.getTime();

/**
 * The chain from `cert` up to a root of the MSP, each certificate valid at the leaf's
 * notBefore + 1 s as Fabric checks it (expiry is judged separately, at the transaction time).
 */
async function chainOf(
  msp: Msp,
  cert: ParsedCertificate,
): Promise<ParsedCertificate[] | undefined> {
  const at = cert.notBefore.getTime() + 1000;
  const chain = [cert];
  let current = cert;
  for (let depth = 0; depth < 8; depth++) {
    if (msp.roots.includes(current) && depth > 0) return chain;
    const candidates = [...msp.intermediates, ...msp.roots].filter((c) => c !== current);
    let parent: ParsedCertificate | undefined;
    for (const c of candidates) {
      if (c.isCa && validAt(c, at) && (await issued(c, current))) {
        parent = c;
        break;
      }
    }
    if (!parent) return undefined;
    chain.push(parent);
    if (msp.roots.includes(parent)) return chain;
    current = parent;
  }
  return undefined;
}

async function certifiersOf(chain: ParsedCertificate[]): Promise<string> {
  return toHex(await sha256(concat(...chain.map((c) => c.der))));
}

/** Builds an MSP from its configuration (FabricMSPConfig from a channel config block). */
export async function mspFromConfig(config: FabricMspConfig): Promise<Msp> {
  const parse = (list: Uint8Array[]) =>
    list.map(certificateOf).filter((c): c is ParsedCertificate => c !== undefined);
  const crls = config.revocationList.flatMap((b) => {
    try {
      return [parseCrl(firstPemBlock(b) ?? b)];
    } catch {
      return [];
    }
  });
  const msp: Msp = {
    id: config.name,
    roots: parse(config.rootCerts),
    intermediates: parse(config.intermediateCerts),
    admins: parse(config.admins),
    crls,
    ouIdentifiers: [],
    internalCas: new Set(),
  };
  for (const ca of msp.intermediates) {
    const chain = await chainOf(msp, ca);
    const parent = chain?.[1];
    if (parent) msp.internalCas.add(parent);
  }
  const ouOf = async (o: NodeOU | undefined): Promise<OuIdentifier | undefined> => {
    if (!o) return undefined;
    if (o.certificate.length === 0) return { ou: o.ou, certifiers: '' };
    const cert = certificateOf(o.certificate);
    if (!cert) return { ou: o.ou, certifiers: 'unparsable' };
    if (msp.roots.some((r) => sameBytes(r.der, cert.der)))
      return { ou: o.ou, certifiers: await certifiersOf([cert]) };
    const known = msp.intermediates.find((r) => sameBytes(r.der, cert.der));
    const chain = known && (await chainOf(msp, known));
    return { ou: o.ou, certifiers: chain ? await certifiersOf(chain) : 'not-in-msp' };
  };
  for (const o of config.organizationalUnitIdentifiers) {
    const id = await ouOf(o);
    if (id) msp.ouIdentifiers.push(id);
  }
  if (config.nodeOUs) {
    msp.nodeOUs = {
      enable: config.nodeOUs.enable,
      client: await ouOf(config.nodeOUs.client),
      peer: await ouOf(config.nodeOUs.peer),
      admin: await ouOf(config.nodeOUs.admin),
      orderer: await ouOf(config.nodeOUs.orderer),
    };
  }
  return msp;
}

/** The channel's MSPs by id, and identities read from serialized bytes. */
export class MspManager {
  private readonly validated = new Map<string, Promise<ValidatedIdentity>>();

  constructor(readonly msps: ReadonlyMap<string, Msp>) {}

  /** Deserializes and validates (chain, revocation, OUs) a SerializedIdentity. */
  identity(serialized: Uint8Array): Promise<ValidatedIdentity> {
    let decoded: { mspId: string; idBytes: Uint8Array };
    try {
      decoded = decodeSerializedIdentity(serialized);
    } catch {
      return Promise.resolve({ fault: 'NOT_A_CERTIFICATE', mspId: '' });
    }
    return this.member(decoded.mspId, decoded.idBytes);
  }

  /** Validates a certificate (PEM bytes) as a member of the MSP `mspId`. */
  member(mspId: string, idBytes: Uint8Array): Promise<ValidatedIdentity> {
    const key = `${mspId}\u0000${toHex(idBytes)}`;
    let result = this.validated.get(key);
    if (!result) {
      result = this.validate(mspId, idBytes);
      this.validated.set(key, result);
    }
    return result;
  }

  private async validate(mspId: string, idBytes: Uint8Array): Promise<ValidatedIdentity> {
    const msp = this.msps.get(mspId);
    if (!msp) return { fault: 'UNKNOWN_MSP', mspId };
    const cert = certificateOf(idBytes);
    if (!cert) return { fault: 'NOT_A_CERTIFICATE', mspId };
    const identity: Identity = {
      mspId,
      certificate: cert,
      key: `${mspId}:${toHex(await sha256(cert.der))}`,
      ous: subjectOus(cert),
    };
    const fault = await memberFault(msp, cert);
    if (typeof fault === 'string') return { fault, mspId, identity };
    return { mspId, identity, certifiers: fault.certifiers };
  }
}

export type ValidatedIdentity =
  | { fault: IdentityFault; mspId: string; identity?: Identity }
  | { fault?: undefined; mspId: string; identity: Identity; certifiers: string };

async function memberFault(
  msp: Msp,
  cert: ParsedCertificate,
): Promise<IdentityFault | { certifiers: string }> {
  if (cert.isCa) return 'CA_AS_IDENTITY';
  const chain = await chainOf(msp, cert);
  if (!chain) return 'NOT_ISSUED_BY_MSP';
  const issuer = chain[1] as ParsedCertificate;
  if (msp.internalCas.has(issuer)) return 'ISSUER_NOT_A_LEAF_CA';
  for (const crl of msp.crls) {
    if (!sameBytes(crl.issuerDer, issuer.subjectDer) || !crl.revoked.has(cert.serialHex)) continue;
    if (
      await verifySignature(issuer, crl.signatureAlgorithm, crl.signature, crl.tbs).catch(
        () => false,
      )
    )
      return 'REVOKED';
  }
  const certifiers = await certifiersOf(chain.slice(1));
  const ous = subjectOus(cert);
  if (msp.ouIdentifiers.length > 0) {
    const listed = ous.some((ou) =>
      msp.ouIdentifiers.some((o) => o.ou === ou && o.certifiers === certifiers),
    );
    if (!listed) return 'OU_NOT_ACCEPTED';
  }
  if (msp.nodeOUs?.enable) {
    const nodeOus = [msp.nodeOUs.client, msp.nodeOUs.peer, msp.nodeOUs.admin, msp.nodeOUs.orderer];
    let count = 0;
    for (const ou of ous) {
      const node = nodeOus.find((n) => n?.ou === ou);
      if (!node) continue;
      if (node.certifiers !== '' && node.certifiers !== certifiers) return 'OU_NOT_ACCEPTED';
      count++;
      if (count > 1) break;
    }
    if (count !== 1) return 'OU_NOT_ACCEPTED';
  }
  return { certifiers };
}

function hasNodeOu(msp: Msp, identity: Identity, role: number): boolean {
  const n = msp.nodeOUs;
  if (n?.enable !== true) return false; // Fabric cannot tell roles apart without node OUs
  const node =
    role === ROLE.CLIENT
      ? n?.client
      : role === ROLE.PEER
        ? n?.peer
        : role === ROLE.ADMIN
          ? n?.admin
          : role === ROLE.ORDERER
            ? n?.orderer
            : undefined;
  return node !== undefined && identity.ous.includes(node.ou);
}

/**
 * Whether a valid identity satisfies a principal (msp.SatisfiesPrincipal, MSP v1.4.3):
 * roles by node OU when the MSP enables them, admins also by the MSP's admin list.
 */
export async function satisfiesPrincipal(
  manager: MspManager,
  validated: ValidatedIdentity,
  principal: Principal,
): Promise<boolean> {
  if (validated.fault !== undefined) return false;
  const { identity } = validated;
  const msp = manager.msps.get(identity.mspId);
  if (!msp) return false;
  switch (principal.classification) {
    case PRINCIPAL.ROLE: {
      const { mspId, role } = decodeMspRole(principal.principal);
      if (mspId !== msp.id) return false;
      if (role === ROLE.MEMBER) return true;
      if (role === ROLE.ADMIN) {
        if (msp.admins.some((a) => sameBytes(a.der, identity.certificate.der))) return true;
        return msp.nodeOUs?.enable === true && hasNodeOu(msp, identity, ROLE.ADMIN);
      }
      if (role === ROLE.ORDERER && msp.nodeOUs?.enable !== true) return false;
      if (role === ROLE.CLIENT || role === ROLE.PEER || role === ROLE.ORDERER)
        return hasNodeOu(msp, identity, role);
      return false;
    }
    case PRINCIPAL.IDENTITY: {
      const other = await manager.identity(principal.principal);
      return (
        other.fault === undefined &&
        sameBytes(other.identity.certificate.der, identity.certificate.der)
      );
    }
    case PRINCIPAL.ORGANIZATION_UNIT: {
      const ou = decodeOrganizationUnit(principal.principal);
      return (
        ou.mspId === msp.id &&
        identity.ous.includes(ou.ou) &&
        toHex(ou.certifiersIdentifier) === validated.certifiers
      );
    }
    case PRINCIPAL.ANONYMITY:
      // X.509 identities are nominal (type 0), never anonymous (type 1).
      return Message.parse(principal.principal).int32(1) === 0;
    case PRINCIPAL.COMBINED: {
      const parts = Message.parse(principal.principal).repeatedMessages(1);
      if (parts.length === 0) return false;
      for (const p of parts) {
        const sub = { classification: p.int32(1), principal: p.bytes(2) };
        if (!(await satisfiesPrincipal(manager, validated, sub))) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
