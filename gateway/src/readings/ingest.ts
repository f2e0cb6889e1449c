/**
 * Reading ingestion: each signed reading is checked (shape, device signature, counter)
 * and the accepted ones are written to PostgreSQL with COPY in one transaction that also
 * advances the device counters, before the caller answers 202: what is acknowledged is
 * stored. Anchoring on the ledger follows (anchor.ts).
 */
import {
  SignedReadingSchema,
  judgeCounters,
  readingBytes,
  verifyReading,
  type SignedReading,
} from '@clearance/seal-devices/domain';
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../db';
import { from as copyFrom } from 'pg-copy-streams';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export type Rejection = 'MALFORMED' | 'UNKNOWN_DEVICE' | 'BAD_SIGNATURE' | 'REPLAY';

export interface DeviceInfo {
  publicKeyPem: string;
  sealId: string;
}

/** Where a device's key and current seal come from (the ledger, cached). */
export type DeviceDirectory = (deviceId: string) => Promise<DeviceInfo | undefined>;

export interface IngestResult {
  accepted: number;
  rejected: { index: number; deviceId?: string; counter?: number; reason: Rejection }[];
  /** Devices whose counters skipped numbers (readings lost on the way), with how many. */
  gaps: { deviceId: string; missing: number }[];
  outOfOrder: string[];
  /** What was stored, per device: the seal and the counter range (for the anchoring queue). */
  stored: StoredRange[];
}

export interface StoredRange {
  sealId: string;
  deviceId: string;
  fromCounter: number;
  toCounter: number;
}

function copyValue(value: string | number): string {
  return String(value)
    .replace(/\\/g, '\\\\')
    .replace(/\t/g, '\\t')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}

async function copyReadings(client: PoolClient, rows: (string | number)[][]): Promise<void> {
  const stream = client.query(
    copyFrom(
      'COPY readings (device_id, counter, seal_id, reading_time, event, lat, lon, signed) FROM STDIN',
    ),
  );
  await pipeline(Readable.from(rows.map((r) => `${r.map(copyValue).join('\t')}\n`)), stream);
}

export async function ingestReadings(
  pool: Pool,
  directory: DeviceDirectory,
  input: unknown[],
): Promise<IngestResult> {
  const result: IngestResult = {
    accepted: 0,
    rejected: [],
    gaps: [],
    outOfOrder: [],
    stored: [],
  };
  const byDevice = new Map<string, { index: number; signed: SignedReading; info: DeviceInfo }[]>();
  const keys = new Map<string, KeyObject>();
  const keyOf = (info: DeviceInfo): KeyObject => {
    let key = keys.get(info.publicKeyPem);
    if (!key) keys.set(info.publicKeyPem, (key = createPublicKey(info.publicKeyPem)));
    return key;
  };
  for (const [index, item] of input.entries()) {
    const parsed = SignedReadingSchema.safeParse(item);
    if (!parsed.success) {
      result.rejected.push({ index, reason: 'MALFORMED' });
      continue;
    }
    const { deviceId, counter } = parsed.data.reading;
    const info = await directory(deviceId);
    if (!info) {
      result.rejected.push({ index, deviceId, counter, reason: 'UNKNOWN_DEVICE' });
    } else if (!verifyReading(parsed.data, keyOf(info))) {
      result.rejected.push({ index, deviceId, counter, reason: 'BAD_SIGNATURE' });
    } else {
      byDevice.set(deviceId, [
        ...(byDevice.get(deviceId) ?? []),
        { index, signed: parsed.data, info },
      ]);
    }
  }
  await inTransaction(pool, async (client) => {
    const rows: (string | number)[][] = [];
    for (const [deviceId, items] of byDevice) {
      // Locks this device's counter row: concurrent batches of one device take turns.
      await client.query(
        'INSERT INTO device_counters (device_id, last_counter) VALUES ($1, 0) ON CONFLICT DO NOTHING',
        [deviceId],
      );
      const { rows: counterRows } = await client.query<{ last_counter: string }>(
        'SELECT last_counter FROM device_counters WHERE device_id = $1 FOR UPDATE',
        [deviceId],
      );
      const last = Number(counterRows[0]?.last_counter ?? 0);
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
      await client.query('UPDATE device_counters SET last_counter = $2 WHERE device_id = $1', [
        deviceId,
        highest,
      ]);
    }
    if (rows.length > 0) await copyReadings(client, rows);
    result.accepted = rows.length;
  });
  result.rejected.sort((a, b) => a.index - b.index);
  return result;
}

export { readingBytes };
