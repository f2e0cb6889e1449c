/**
 * Evidence for a deployed gateway, from configuration read once at start-up: the trust root
 * its operators publish, the bundle builder on its own peer, its own statement signer, and
 * the gateways of the other organisations whose statements the trust root requires.
 *
 *   EVIDENCE_TRUST_ROOT   the trust root (JSON file); without it the evidence routes are off
 *   EVIDENCE_SIGNER_CERT  this organisation's statement signer: certificate and key (PEM
 *   EVIDENCE_SIGNER_KEY   files), e.g. its peer's identity, as the trust root's policy names
 *   EVIDENCE_ATTESTERS    the others: `MSP=URL` pairs, comma-separated
 *                         (`HKCustomsMSP=https://gateway.hk.example`)
 */
import {
  TrustRootSchema,
  createAttester,
  createBundleBuilder,
  type Attester,
} from '@clearance/verifier';
import { createPrivateKey } from 'node:crypto';
import * as fs from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config';
import { messageSigner, type Network } from '@clearance/fabric-client';
import type { EvidenceOptions } from '../routes/evidence';
import { qsccLedgerReader } from './ledger-reader';
import { remoteAttester } from './remote-attester';

const MSP = /^[A-Za-z0-9.-]+$/;
const EvidenceEnvSchema = z.object({
  EVIDENCE_TRUST_ROOT: z.string().min(1).optional(),
  EVIDENCE_SIGNER_CERT: z.string().min(1).optional(),
  EVIDENCE_SIGNER_KEY: z.string().min(1).optional(),
  EVIDENCE_ATTESTERS: z
    .string()
    .optional()
    .transform((list, context) =>
      (list ?? '')
        .split(',')
        .map((pair) => pair.trim())
        .filter(Boolean)
        .flatMap((pair) => {
          const [mspId = '', url = ''] = pair.split(/=(.*)/s);
          if (!MSP.test(mspId) || !URL.canParse(url) || !/^https?:/.test(url)) {
            context.addIssue({ code: 'custom', message: `not MSP=http(s)://…: ${pair}` });
            return [];
          }
          return [{ mspId, url }];
        }),
    ),
});

export interface EvidenceConfig {
  trustRootFile: string;
  signer?: { certificate: string; privateKey: string };
  remote: { mspId: string; url: string }[];
}

/** The evidence settings, or undefined when EVIDENCE_TRUST_ROOT is not set. */
export function loadEvidenceConfig(
  env: Record<string, string | undefined>,
): EvidenceConfig | undefined {
  const parsed = EvidenceEnvSchema.safeParse(env);
  if (!parsed.success)
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  if (!e.EVIDENCE_TRUST_ROOT) return undefined;
  if (Boolean(e.EVIDENCE_SIGNER_CERT) !== Boolean(e.EVIDENCE_SIGNER_KEY))
    throw new ConfigError(['EVIDENCE_SIGNER_CERT and EVIDENCE_SIGNER_KEY go together']);
  const read = (variable: string, file: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      throw new ConfigError([`${variable}: ${file} cannot be read`]);
    }
  };
  return {
    trustRootFile: e.EVIDENCE_TRUST_ROOT,
    ...(e.EVIDENCE_SIGNER_CERT && e.EVIDENCE_SIGNER_KEY
      ? {
          signer: {
            certificate: read('EVIDENCE_SIGNER_CERT', e.EVIDENCE_SIGNER_CERT),
            privateKey: read('EVIDENCE_SIGNER_KEY', e.EVIDENCE_SIGNER_KEY),
          },
        }
      : {}),
    remote: e.EVIDENCE_ATTESTERS,
  };
}

/** The evidence routes' options on this gateway's own peer. */
export function startEvidence(
  config: EvidenceConfig,
  own: { network: Network; channel: string; chaincode: string; mspId: string },
): EvidenceOptions {
  let rootJson: unknown;
  try {
    rootJson = JSON.parse(fs.readFileSync(config.trustRootFile, 'utf8'));
  } catch {
    throw new ConfigError([`EVIDENCE_TRUST_ROOT: ${config.trustRootFile} is not a JSON file`]);
  }
  const trustRoot = TrustRootSchema.safeParse(rootJson);
  if (!trustRoot.success)
    throw new ConfigError([`EVIDENCE_TRUST_ROOT: ${trustRoot.error.issues[0]?.message}`]);
  if (trustRoot.data.channel !== own.channel)
    throw new ConfigError([`EVIDENCE_TRUST_ROOT names channel ${trustRoot.data.channel}`]);
  const reader = qsccLedgerReader(own.network, own.channel);
  const attester: Attester | undefined =
    config.signer &&
    createAttester({
      reader,
      channel: own.channel,
      chaincode: own.chaincode,
      mspId: own.mspId,
      certificate: config.signer.certificate,
      sign: messageSigner(createPrivateKey(config.signer.privateKey)),
    });
  const attesters = [...(attester ? [attester] : []), ...config.remote.map(remoteAttester)];
  return {
    trustRoot: trustRoot.data,
    builder: createBundleBuilder({
      reader,
      channel: own.channel,
      chaincode: own.chaincode,
      attesters,
    }),
    ...(attester ? { attester } : {}),
  };
}
