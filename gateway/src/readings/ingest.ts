/**
 * Reading ingestion: each signed reading is checked (shape, device signature, counter)
 * and the accepted ones are written to PostgreSQL with COPY in one transaction that also
 * advances the device counters, before the caller answers 202: what is acknowledged is
 * stored. Anchoring on the ledger follows (anchor.ts).
 *
 * Anyone may post readings, so the work one batch can cause is bounded: at most
 * `lookups` devices not in the directory's cache are asked of the ledger (the route gives
 * each client address a budget a minute), and after MAX_BAD_SIGNATURES_PER_BATCH forged
 * signatures the rest are not checked. Readings left unchecked are refused NOT_CHECKED
 * (nothing stored; send them again). Signatures are verified off the event loop
 * (signatures.ts: on worker threads in the server, one task per batch).
 */
import { checkReadingsOnLibuv, type ReadingSignatureCheck } from './signatures';
import {
  SignedReadingSchema,
  judgeCounters,
  readingBytes,
  type SignedReading,
} from '@clearance/domain/node';
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../db';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const REJECTIONS = [
  'MALFORMED',
  'UNKNOWN_DEVICE',
  'BAD_SIGNATURE',
  'REPLAY',
  /** Not checked: the batch's budget of ledger lookups or forged signatures ran out. */
  'NOT_CHECKED',
] as const;
export type Rejection = (typeof REJECTIONS)[number];

/**
 * Forged signatures one batch may make the gateway check (on the event loop's side the
 * chunk under way finishes, so at most this plus 15); the rest are NOT_CHECKED.
 */
export const MAX_BAD_SIGNATURES_PER_BATCH = 16;

export interface DeviceInfo {
  publicKeyPem: string;
  sealId: string;
}

/** Where a device's key and current seal come from (the ledger, cached). */
export interface DeviceDirectory {
  /** The device's key and current seal; undefined when it is unknown or seals nothing. */
  lookup(deviceId: string): Promise<DeviceInfo | undefined>;
  /** Whether lookup answers from what it remembers, without asking the ledger. */
  isCached(deviceId: string): boolean;
}

export interface IngestResult {
  accepted: number;
  rejected: { index: number; deviceId?: string; counter?: number; reason: Rejection }[];
  /** Devices whose counters skipped numbers (readings lost on the way), with how many. */
  gaps: { deviceId: string; missing: number }[];
  outOfOrder: string[];
  /** What was stored, per device: the seal and the counter range (for the anchoring queue). */
  stored: StoredRange[];
  /** Devices asked of the ledger that it did not know (counted against the sender). */
  unknownLookups: number;
}

export interface StoredRange {
  sealId: string;
  deviceId: string;
  fromCounter: number;
  toCounter: number;
}

const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

/** A value in COPY's text format (what it would read as a delimiter or an escape, escaped). */
function copyValue(value: string | number): string {
  const text = String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] ?? c) : text;
}

/** The rows in one chunk: a write per row cost more than the rest of COPY together. */
async function copyReadings(client: PoolClient, rows: (string | number)[][]): Promise<void> {
  const stream = client.query(
    copyFrom(
      'COPY readings (device_id, counter, seal_id, reading_time, event, lat, lon, signed) FROM STDIN',
    ),
  );
  const text = rows.map((r) => `${r.map(copyValue).join('\t')}\n`).join('');
  await pipeline(Readable.from([text]), stream);
}

/**
 * Locks the counter rows of a batch's devices (made at 0 for a device seen the first time)
 * and reads them, in one statement: concurrent batches of one device take turns, and
 * taking the locks in device order keeps two batches of the same devices from deadlocking.
 */
async function lockCounters(
  client: PoolClient,
  deviceIds: readonly string[],
): Promise<Map<string, number>> {
  if (deviceIds.length === 0) return new Map();
  const { rows } = await client.query<{ device_id: string; last_counter: string }>(
    `INSERT INTO device_counters (device_id, last_counter)
     SELECT id, 0 FROM unnest($1::text[]) AS d(id) ORDER BY id
     ON CONFLICT (device_id) DO UPDATE SET last_counter = device_counters.last_counter
     RETURNING device_id, last_counter`,
    [[...deviceIds].sort()],
  );
  return new Map(rows.map((r) => [r.device_id, Number(r.last_counter)]));
}

/** The devices' new last counters, in one statement (rows locked by lockCounters). */
async function advanceCounters(client: PoolClient, highest: Map<string, number>): Promise<void> {
  if (highest.size === 0) return;
  await client.query(
    `UPDATE device_counters d SET last_counter = v.counter
     FROM unnest($1::text[], $2::bigint[]) AS v(device_id, counter)
     WHERE d.device_id = v.device_id`,
    [[...highest.keys()], [...highest.values()]],
  );
}

/** The devices of a batch as the directory knows them; `lookups` ledger reads at most. */
async function resolveDevices(
  directory: DeviceDirectory,
  deviceIds: readonly string[],
  lookups: number,
): Promise<{ infos: Map<string, DeviceInfo | undefined>; unknownLookups: number }> {
  const infos = new Map<string, DeviceInfo | undefined>();
  let left = lookups;
  let unknownLookups = 0;
  await Promise.all(
    deviceIds.map(async (deviceId) => {
      const cached = directory.isCached(deviceId);
      if (!cached && left <= 0) return; // not checked: absent from `infos`
      if (!cached) left--;
      const info = await directory.lookup(deviceId);
      if (!cached && !info) unknownLookups++;
      infos.set(deviceId, info);
    }),
  );
  return { infos, unknownLookups };
}

const defaultCheck = checkReadingsOnLibuv();

export async function ingestReadings(
  pool: Pool,
  directory: DeviceDirectory,
  input: unknown[],
  options: { lookups?: number; checkSignatures?: ReadingSignatureCheck } = {},
): Promise<IngestResult> {
  const result: IngestResult = {
    accepted: 0,
    rejected: [],
    gaps: [],
    outOfOrder: [],
    stored: [],
    unknownLookups: 0,
  };
  const byDevice = new Map<string, { index: number; signed: SignedReading; info: DeviceInfo }[]>();
  const parsed: { index: number; signed: SignedReading }[] = [];
  for (const [index, item] of input.entries()) {
    const reading = SignedReadingSchema.safeParse(item);
    if (reading.success) parsed.push({ index, signed: reading.data });
    else result.rejected.push({ index, reason: 'MALFORMED' });
  }
  const deviceIds = [...new Set(parsed.map((p) => p.signed.reading.deviceId))];
  const { infos, unknownLookups } = await resolveDevices(
    directory,
    deviceIds,
    options.lookups ?? Infinity,
  );
  result.unknownLookups = unknownLookups;
  // Readings of known devices have their signatures checked; the others are judged here.
  const toCheck: { index: number; signed: SignedReading; info: DeviceInfo }[] = [];
  for (const { index, signed } of parsed) {
    const { deviceId, counter } = signed.reading;
    if (!infos.has(deviceId))
      result.rejected.push({ index, deviceId, counter, reason: 'NOT_CHECKED' });
    else {
      const info = infos.get(deviceId);
      if (info) toCheck.push({ index, signed, info });
      else result.rejected.push({ index, deviceId, counter, reason: 'UNKNOWN_DEVICE' });
    }
  }
  const verdicts = await (options.checkSignatures ?? defaultCheck)(
    toCheck.map(({ signed, info }) => ({ signed, publicKeyPem: info.publicKeyPem })),
    MAX_BAD_SIGNATURES_PER_BATCH,
  );
  toCheck.forEach((item, k) => {
    const verdict = verdicts[k] ?? 'NOT_CHECKED';
    const { deviceId, counter } = item.signed.reading;
    if (verdict === 'VALID') {
      const items = byDevice.get(deviceId);
      if (items) items.push(item);
      else byDevice.set(deviceId, [item]);
    } else result.rejected.push({ index: item.index, deviceId, counter, reason: verdict });
  });
  await inTransaction(pool, async (client) => {
    const rows: (string | number)[][] = [];
    const lastCounters = await lockCounters(client, [...byDevice.keys()]);
    const highestOf = new Map<string, number>();
    for (const [deviceId, items] of byDevice) {
      const last = lastCounters.get(deviceId) ?? 0;
      const { verdicts, outOfOrder } = judgeCounters(
        last,
        items.map((i) => i.signed.reading.counter),
      );
      if (outOfOrder) result.outOfOrder.push(deviceId);
      let missing = 0;
      let highest = last;
      let lowest: number | undefined;
      items.forEach((item, k) => {
        const verdict = verdicts[k];
        const r = item.signed.reading;
        if (verdict === 'REPLAY') {
          result.rejected.push({
            index: item.index,
            deviceId,
            counter: r.counter,
            reason: 'REPLAY',
          });
          return;
        }
        if (verdict === 'GAP') missing += r.counter - highest - 1;
        highest = r.counter;
        lowest ??= r.counter;
        rows.push([
          deviceId,
          r.counter,
          item.info.sealId,
          r.time,
          r.event,
          r.position.lat,
          r.position.lon,
          JSON.stringify(item.signed),
        ]);
      });
      if (missing > 0) result.gaps.push({ deviceId, missing });
      const sealId = items[0]?.info.sealId;
      if (lowest !== undefined && sealId)
        result.stored.push({ sealId, deviceId, fromCounter: lowest, toCounter: highest });
      if (highest > last) highestOf.set(deviceId, highest);
    }
    await advanceCounters(client, highestOf);
    if (rows.length > 0) await copyReadings(client, rows);
    result.accepted = rows.length;
  });
  result.rejected.sort((a, b) => a.index - b.index);
  return result;
}

export { readingBytes };
