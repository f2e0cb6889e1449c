/**
 * The rules of food animals supplied to Hong Kong: who may act (the allow table's
 * `livestock` rows), when a certificate may be issued, what an arrival check finds, what a
 * slaughterhouse receipt records. Pure; the Livestock contract gathers state and writes.
 */
import { z } from 'zod';
import policy from '../shared/access-policy.json';
import { LedgerError } from '../shared/errors';
import { LIVESTOCK_REASONS as R } from '../shared/refusals';
import type { Actor } from '../declarations/vocabulary';
import type { SignatureEvidence } from '../declarations/lifecycle';
import {
  LIVESTOCK_ACTIONS,
  type ArrivalFlag,
  type ArrivalInput,
  type ArrivalRecord,
  type CertifierRecord,
  type ConsignmentRecord,
  type ConsignmentStage,
  type FarmInput,
  type FarmRecord,
  type HealthCertificate,
  type LivestockAct,
  type LivestockAction,
  type ReceiptInput,
  type ReceiptRecord,
} from './records';

const LIVESTOCK_ACCESS: Record<LivestockAction, [string, string][]> = z
  .looseRecord(z.enum(LIVESTOCK_ACTIONS), z.array(z.tuple([z.string(), z.string()])))
  .parse(policy.livestock);

export function isLivestockAllowed(action: LivestockAction, actor: Actor): boolean {
  return LIVESTOCK_ACCESS[action].some(([msp, role]) => msp === actor.mspId && role === actor.role);
}

export function requireLivestockAllowed(action: LivestockAction, actor: Actor): void {
  if (!isLivestockAllowed(action, actor))
    throw new LedgerError(
      'FORBIDDEN',
      `${actor.mspId} with role ${actor.role ?? '(none)'} may not ${action}`,
    );
}

/** Reasons are required where an act changes what others may do. */
const REASON_REQUIRED: readonly LivestockAction[] = ['SUSPEND_FARM', 'REINSTATE_FARM', 'RECALL'];

function requireReason(act: LivestockAct): void {
  if (REASON_REQUIRED.includes(act.action) && act.reason.trim() === '')
    throw new LedgerError('INVALID_ARGUMENT', `${act.action} needs a reason`);
}

export function registerFarm(
  input: FarmInput,
  privateSha256: string,
  act: LivestockAct,
): FarmRecord {
  return {
    ...input,
    status: 'ACTIVE',
    registered: act,
    statusChanges: [],
    privateSha256,
    lastAct: act,
  };
}

/**
 * Suspends, reinstates or recalls. A recall of a suspended farm is allowed (the finding may
 * come after a suspension): it still holds what is in transit.
 */
export function changeFarmStatus(farm: FarmRecord, act: LivestockAct): FarmRecord {
  requireReason(act);
  if (act.action === 'SUSPEND_FARM' && farm.status === 'SUSPENDED')
    throw new LedgerError('INVALID_STATE', `farm ${farm.farmId} is suspended already`);
  if (act.action === 'REINSTATE_FARM' && farm.status !== 'SUSPENDED')
    throw new LedgerError('INVALID_STATE', `farm ${farm.farmId} is not suspended`);
  const status = act.action === 'REINSTATE_FARM' ? 'ACTIVE' : 'SUSPENDED';
  return { ...farm, status, statusChanges: [...farm.statusChanges, act], lastAct: act };
}

/** The farm must be registered, active and registered for the species; no residue positive. */
export function requireFarmCertifiable(
  farm: FarmRecord | undefined,
  certificate: HealthCertificate,
): FarmRecord {
  if (!farm)
    throw new LedgerError(
      'NOT_FOUND',
      `farm ${certificate.farmId} is not registered with GD inspection and quarantine`,
      R.FARM_NOT_REGISTERED,
    );
  if (farm.status !== 'ACTIVE')
    throw new LedgerError('INVALID_STATE', `farm ${farm.farmId} is suspended`, R.FARM_SUSPENDED);
  if (!farm.species.includes(certificate.species))
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `farm ${farm.farmId} is not registered to supply ${certificate.species}`,
      R.SPECIES_NOT_REGISTERED,
    );
  const positive = certificate.residueTests.filter((t) => t.result === 'POSITIVE');
  if (positive.length > 0)
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `no certificate with a positive residue test (${positive.map((t) => t.substance).join(', ')})`,
      R.RESIDUE_POSITIVE,
    );
  return farm;
}

/**
 * The signer (already verified through the trust list) must hold a GD certificate and be
 * the farm's registered veterinarian or a registered certifying officer.
 */
export function requireCertifier(
  farm: FarmRecord,
  evidence: SignatureEvidence,
  certifier: CertifierRecord | undefined,
): void {
  const isVet = evidence.certificateSha256 === farm.veterinarian.certificateSha256;
  const isOfficer = certifier?.certificateSha256 === evidence.certificateSha256;
  if (evidence.jurisdiction !== 'GD' || !(isVet || isOfficer))
    throw new LedgerError(
      'FORBIDDEN',
      `the certificate of farm ${farm.farmId} must be signed by its registered veterinarian or a certifying officer (signed by ${evidence.signerSubject})`,
      R.NOT_AUTHORISED_CERTIFIER,
    );
}

export function certifyConsignment(
  certificate: HealthCertificate,
  signature: SignatureEvidence,
  signatureCms: string,
  act: LivestockAct,
): ConsignmentRecord {
  return {
    consignmentId: certificate.consignmentId,
    farmId: certificate.farmId,
    certificate,
    signature,
    signatureCms,
    state: 'CERTIFIED',
    sealId: null,
    hold: null,
    certified: act,
    lastAct: act,
  };
}

/** What the joint namespace says of a seal, as far as a consignment needs it. */
export interface SealView {
  sealId: string;
  state: string;
  declarationIds: readonly string[];
  alarms: readonly unknown[];
}

export function requireNotHeld(consignment: ConsignmentRecord): void {
  if (consignment.hold)
    throw new LedgerError(
      'INVALID_STATE',
      `consignment ${consignment.consignmentId} is held: ${consignment.hold.reason}`,
      R.CONSIGNMENT_HELD,
    );
}

/** Binds the truck's e-lock seal (applied in the joint namespace) to the consignment. */
export function linkSeal(
  consignment: ConsignmentRecord,
  seal: SealView,
  act: LivestockAct,
): ConsignmentRecord {
  requireNotHeld(consignment);
  if (consignment.state !== 'CERTIFIED')
    throw new LedgerError(
      'INVALID_STATE',
      `consignment ${consignment.consignmentId} is sealed already (${consignment.sealId ?? ''})`,
    );
  if (
    seal.state !== 'APPLIED' ||
    !seal.declarationIds.includes(consignment.certificate.declarationId)
  )
    throw new LedgerError(
      'INVALID_STATE',
      `seal ${seal.sealId} is not applied over declaration ${consignment.certificate.declarationId}`,
      R.SEAL_NOT_COVERING,
    );
  return { ...consignment, state: 'SEALED', sealId: seal.sealId, lastAct: act };
}

/** Still on its way: Hong Kong has not checked it on arrival. */
export function inTransit(consignment: ConsignmentRecord, arrived: boolean): boolean {
  return !arrived && (consignment.state === 'CERTIFIED' || consignment.state === 'SEALED');
}

export function holdForRecall(
  consignment: ConsignmentRecord,
  act: LivestockAct,
): ConsignmentRecord {
  return { ...consignment, hold: consignment.hold ?? act, lastAct: act };
}

/** What the arrival check found of the certificate's signature, verified again in Hong Kong. */
export type CertificateCheck =
  { valid: true; signerSubject: string } | { valid: false; reason: string };

export interface ArrivalFacts {
  consignment: ConsignmentRecord;
  farmStatus: FarmRecord['status'];
  certificateCheck: CertificateCheck;
  /** The seal the consignment is linked to, as the joint namespace has it; null if unsealed. */
  seal: SealView | null;
  input: ArrivalInput;
  act: LivestockAct;
}

/**
 * The arrival check at Man Kam To: the certificate verified, the ear tags read compared with
 * the certificate's, the seal intact (applied, no alarm). Anything wrong is flagged (the
 * record is kept either way: a flag is the finding, not a refusal).
 */
export function checkArrival(facts: ArrivalFacts): ArrivalRecord {
  const { consignment, input, seal } = facts;
  const onCertificate = new Set(consignment.certificate.animals.map((a) => a.earTag));
  const read = new Set(input.earTagsRead);
  const missingEarTags = [...onCertificate].filter((t) => !read.has(t)).sort();
  const unexpectedEarTags = [...read].filter((t) => !onCertificate.has(t)).sort();
  const flags: ArrivalFlag[] = [];
  if (!facts.certificateCheck.valid) flags.push('CERTIFICATE_INVALID');
  if (missingEarTags.length > 0 || unexpectedEarTags.length > 0) flags.push('EAR_TAG_MISMATCH');
  if (!seal) flags.push('NOT_SEALED');
  else if (seal.state !== 'APPLIED' || seal.alarms.length > 0) flags.push('SEAL_NOT_INTACT');
  if (facts.farmStatus !== 'ACTIVE') flags.push('FARM_SUSPENDED');
  if (consignment.hold) flags.push('CONSIGNMENT_HELD');
  return {
    consignmentId: consignment.consignmentId,
    certificateNo: consignment.certificate.certificateNo,
    farmId: consignment.farmId,
    controlPoint: input.controlPoint,
    result: flags.length === 0 ? 'ACCEPTED' : 'FLAGGED',
    flags,
    missingEarTags,
    unexpectedEarTags,
    earTagsRead: read.size,
    certificateCheck: facts.certificateCheck,
    seal: seal ? { sealId: seal.sealId, state: seal.state, alarms: seal.alarms.length } : null,
    ...(input.note ? { note: input.note } : {}),
    checked: facts.act,
  };
}

/**
 * Receipt at the licensed slaughterhouse with ante- and post-mortem findings: only after an
 * accepted arrival check, only of animals on the certificate.
 */
export function receiveAtSlaughterhouse(
  consignment: ConsignmentRecord,
  arrival: ArrivalRecord | undefined,
  input: ReceiptInput,
  act: LivestockAct,
): ReceiptRecord {
  if (arrival?.result !== 'ACCEPTED')
    throw new LedgerError(
      'INVALID_STATE',
      `consignment ${consignment.consignmentId} has ${arrival ? 'a flagged' : 'no'} arrival check`,
      R.ARRIVAL_NOT_ACCEPTED,
    );
  if (input.slaughterhouse !== consignment.certificate.slaughterhouse)
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `consignment ${consignment.consignmentId} is certified for slaughterhouse ${consignment.certificate.slaughterhouse}`,
      R.WRONG_SLAUGHTERHOUSE,
    );
  const onCertificate = new Set(consignment.certificate.animals.map((a) => a.earTag));
  const strangers = [...input.anteMortem, ...input.postMortem]
    .map((f) => f.earTag)
    .filter((t) => !onCertificate.has(t));
  if (strangers.length > 0)
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `not on certificate ${consignment.certificate.certificateNo}: ${[...new Set(strangers)].join(', ')}`,
      R.EAR_TAG_NOT_ON_CERTIFICATE,
    );
  const nonCompliant = new Set<string>();
  for (const a of input.anteMortem) if (a.result === 'UNFIT') nonCompliant.add(a.earTag);
  for (const p of input.postMortem)
    if (p.result === 'CONDEMNED' || (p.residues ?? []).some((r) => r.result === 'POSITIVE'))
      nonCompliant.add(p.earTag);
  return {
    consignmentId: consignment.consignmentId,
    farmId: consignment.farmId,
    slaughterhouse: input.slaughterhouse,
    anteMortem: input.anteMortem,
    postMortem: input.postMortem,
    nonCompliant: [...nonCompliant].sort(),
    received: act,
  };
}

export function stageOf(
  consignment: ConsignmentRecord,
  arrival: ArrivalRecord | null,
  receipt: ReceiptRecord | null,
): ConsignmentStage {
  if (receipt) return 'RECEIVED';
  if (arrival) return arrival.result === 'ACCEPTED' ? 'ARRIVED' : 'FLAGGED';
  return consignment.state;
}
