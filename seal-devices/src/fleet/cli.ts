#!/usr/bin/env node
/**
 * The e-lock fleet: N devices driving the routes, their signed readings in time order as
 * JSON lines on stdout, or posted in batches to the gateway.
 *
 *   seal-fleet [--devices 5] [--interval 10] [--speed 60] [--fault tamper|deviation|replay|skew]
 *              [--keys-dir DIR] [--post URL] [--batch 200]
 *
 * Device keys are made at start; --keys-dir keeps each public key (<deviceId>.pem) for
 * registering the devices on the ledger.
 */
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type SignedReading, ROUTES } from '@clearance/domain/node';
import { simulateTrip, type Fault } from './simulator';

function option(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const FAULTS: Record<string, Fault> = {
  tamper: { kind: 'TAMPER', atFraction: 0.4 },
  deviation: { kind: 'DEVIATION', fromFraction: 0.5, offsetM: 2500 },
  replay: { kind: 'REPLAY', atFraction: 0.5 },
  skew: { kind: 'CLOCK_SKEW', skewS: 900 },
};

async function main(): Promise<number> {
  const devices = Number(option('--devices', '5'));
  const faultName = option('--fault');
  const fault = faultName ? FAULTS[faultName] : undefined;
  if (!Number.isInteger(devices) || devices < 1 || devices > 10_000 || (faultName && !fault)) {
    console.error(
      `usage: seal-fleet [--devices 1-10000] [--fault ${Object.keys(FAULTS).join('|')}] ...`,
    );
    return 2;
  }
  const keysDir = option('--keys-dir');
  if (keysDir) fs.mkdirSync(keysDir, { recursive: true });
  const departure = new Date();
  const all: SignedReading[] = [];
  for (let d = 0; d < devices; d++) {
    const deviceId = `EL-${String(d + 1).padStart(5, '0')}`;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    if (keysDir)
      fs.writeFileSync(
        path.join(keysDir, `${deviceId}.pem`),
        publicKey.export({ type: 'spki', format: 'pem' }),
      );
    all.push(
      ...simulateTrip({
        deviceId,
        privateKey,
        route: ROUTES[d % ROUTES.length]!,
        departure: new Date(departure.getTime() + d * 60_000),
        intervalS: Number(option('--interval', '10')),
        speedKmh: Number(option('--speed', '60')),
        faults: fault && d === 0 ? [fault] : [],
      }),
    );
  }
  all.sort((a, b) =>
    a.reading.time < b.reading.time ? -1 : a.reading.time > b.reading.time ? 1 : 0,
  );
  const url = option('--post');
  if (!url) {
    // A reader that stops early (| head) is not an error.
    process.stdout.on('error', (error: NodeJS.ErrnoException) =>
      process.exit(error.code === 'EPIPE' ? 0 : 1),
    );
    for (const r of all) process.stdout.write(`${JSON.stringify(r)}\n`);
    return 0;
  }
  const size = Number(option('--batch', '200'));
  for (let i = 0; i < all.length; i += size) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ readings: all.slice(i, i + size) }),
    });
    if (!res.ok) {
      console.error(`gateway answered ${res.status} to batch ${i / size + 1}: ${await res.text()}`);
      return 1;
    }
  }
  console.error(`posted ${all.length} readings from ${devices} devices`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
