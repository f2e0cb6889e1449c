/**
 * "One lock across the boundary": e-lock devices accredited by both customs services,
 * seals binding a device to a conveyance, a route and the declarations it covers,
 * alarms, anchored reading batches and checkpoint checks. Pure rules; the Seal contract
 * does the ledger I/O.
 */
import { z } from 'zod';
import policy from '../shared/access-policy.json';
import { ID_PATTERN } from '../declarations/declaration';
import { LedgerError } from '../shared/errors';
import type { Actor } from '../declarations/vocabulary';
import type { ActFieldsSchema } from '../declarations/records';
import { StorableText } from '../shared/text';

export const SEAL_ACTIONS = [
  'REGISTER_DEVICE',
  'ACCREDIT_DEVICE',
  'APPLY_SEAL',
  'RECORD_ALARM',
  'ANCHOR_READINGS',
  'RECORD_CHECKPOINT',
  'REMOVE_SEAL',
] as const;
export type SealAction = (typeof SEAL_ACTIONS)[number];

export const ALARM_KINDS = ['TAMPER', 'OPENED', 'ROUTE_DEVIATION', 'OVERDUE'] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

const SEAL_ACCESS = policy.seal as Record<SealAction, string[][]>;
export const DEVICE_ACCREDITORS: readonly string[] = policy.deviceAccreditors;

export function requireSealAllowed(action: SealAction, actor: Actor): void {
  if (!SEAL_ACCESS[action].some(([msp, role]) => msp === actor.mspId && role === actor.role)) {
    throw new LedgerError(
      'FORBIDDEN',
      `${actor.mspId} with role ${actor.role ?? '(none)'} may not ${action}`,
    );
  }
}

const deviceId = z.string().regex(/^[A-Z0-9][A-Z0-9-]{2,31}$/, '3-32 of A-Z 0-9 -');
const hex = (bytes: number) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `${bytes} bytes as lower-case hex`);

export const DeviceInputSchema = z
  .object({
    deviceId,
    model: StorableText.trim().min(1).max(64),
    /** SPKI PEM of the device's ECDSA P-256 reading key. */
    publicKeyPem: StorableText.min(100).max(1024),
    /** UID of the seal's NFC tag (7 bytes), checked at control points. */
    tagUid: hex(7),
  })
  .strict();

export const SealInputSchema = z
  .object({
    sealId: z.string().regex(ID_PATTERN),
    deviceId,
    conveyance: StorableText.trim().min(1).max(35),
    routeId: z.string().regex(/^[A-Z0-9-]{2,32}$/),
    declarationIds: z.array(z.string().regex(ID_PATTERN)).min(1).max(50),
  })
  .strict();

export const AnchorInputSchema = z
  .object({
    batchId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    fromCounter: z.number().int().min(1),
    toCounter: z.number().int().min(1),
    count: z.number().int().min(1).max(1_000_000),
    merkleRoot: hex(32),
    firstTime: z.iso.datetime({ offset: false }),
    lastTime: z.iso.datetime({ offset: false }),
  })
  .strict()
  .refine((a) => a.toCounter >= a.fromCounter && a.count <= a.toCounter - a.fromCounter + 1, {
    message: 'the counter range must hold count readings',
  });

export const CheckpointInputSchema = z
  .object({
    controlPoint: z.string().regex(/^[A-Z]{3,8}$/),
    tagUid: hex(7),
    counter: z.number().int().min(0).max(0xffffff),
  })
  .strict();

/** Who did a seal act, when, in which transaction and why. */
export type SealActRecord = z.infer<typeof ActFieldsSchema> & { action: SealAction };

export interface DeviceRecord {
  deviceId: string;
  model: string;
  publicKeyPem: string;
  tagUid: string;
  operator: Actor;
  accreditations: Record<string, SealActRecord>;
  status: 'PENDING' | 'ACCREDITED';
}

/** An alarm cleared by the joint inspection of a crossing (crossing.ts, clearAlarms). */
export interface AlarmClearance {
  crossingId: string;
  actor: Actor;
  at: string;
  txId: string;
  /** The seal's last anchored reading counter when cleared: what the inspection covered. */
  throughCounter: number;
}

export type SealAlarm = SealActRecord & {
  kind: AlarmKind;
  heldDeclarations: string[];
  /** Set once a CLEARED inspection settled it; a new alarm is recorded anew. */
  clearedBy?: AlarmClearance;
};

export interface SealRecord {
  sealId: string;
  deviceId: string;
  tagUid: string;
  conveyance: string;
  routeId: string;
  declarationIds: string[];
  state: 'APPLIED' | 'REMOVED';
  applied: SealActRecord;
  removed: SealActRecord | null;
  alarms: SealAlarm[];
  /** Last anchored reading counter and batch count. */
  anchoredToCounter: number;
  batches: number;
  /**
   * The counter its readings start at: the device's counters run on across its seals, so
   * one past the last anchored under its previous seal (1 for a new device). Absent on seals
   * applied before it was kept, and for devices registered before then (no start is known).
   */
  readingsFromCounter?: number;
  /**
   * Last NFC read counter of its tag: the tag's own when the seal was applied, then each one
   * verified at a checkpoint. The counter belongs to the physical tag, across seals.
   */
  lastTagCounter: number;
  checkpoints: (SealActRecord & { controlPoint: string; counter: number })[];
}

export function accredit(device: DeviceRecord, act: SealActRecord): DeviceRecord {
  if (!DEVICE_ACCREDITORS.includes(act.actor.mspId))
    throw new LedgerError('FORBIDDEN', 'only customs accredit devices');
  if (device.accreditations[act.actor.mspId]) {
    throw new LedgerError(
      'INVALID_STATE',
      `${act.actor.mspId} has already accredited ${device.deviceId}`,
    );
  }
  const accreditations = { ...device.accreditations, [act.actor.mspId]: act };
  const complete = DEVICE_ACCREDITORS.every((msp) => accreditations[msp]);
  return { ...device, accreditations, status: complete ? 'ACCREDITED' : 'PENDING' };
}

export function requireApplied(seal: SealRecord): void {
  if (seal.state !== 'APPLIED')
    throw new LedgerError('INVALID_STATE', `seal ${seal.sealId} was removed`);
}

export function anchor(seal: SealRecord, input: z.infer<typeof AnchorInputSchema>): SealRecord {
  requireApplied(seal);
  if (input.fromCounter <= seal.anchoredToCounter) {
    throw new LedgerError(
      'REPLAYED',
      `readings up to counter ${seal.anchoredToCounter} are already anchored`,
    );
  }
  if (seal.readingsFromCounter !== undefined && input.fromCounter < seal.readingsFromCounter) {
    throw new LedgerError(
      'REPLAYED',
      `the device used counters below ${seal.readingsFromCounter} under an earlier seal`,
    );
  }
  return { ...seal, anchoredToCounter: input.toCounter, batches: seal.batches + 1 };
}

/**
 * A verified tap: its counter must be larger than any the tag gave before, under this seal
 * or an earlier one on the same device (`tagLastCounter`, kept per tag UID).
 */
export function checkpoint(
  seal: SealRecord,
  input: z.infer<typeof CheckpointInputSchema>,
  act: SealActRecord,
  tagLastCounter: number,
): SealRecord {
  requireApplied(seal);
  if (input.tagUid !== seal.tagUid)
    throw new LedgerError('INVALID_ARGUMENT', 'the tag does not belong to this seal');
  const last = Math.max(seal.lastTagCounter, tagLastCounter);
  if (input.counter <= last) {
    throw new LedgerError('REPLAYED', `tag counter ${input.counter} is not larger than ${last}`);
  }
  return {
    ...seal,
    lastTagCounter: input.counter,
    checkpoints: [
      ...seal.checkpoints,
      { ...act, controlPoint: input.controlPoint, counter: input.counter },
    ],
  };
}
