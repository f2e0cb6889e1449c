import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { BundleSchema } from '@clearance/verifier';
import { z } from 'zod';
import { ApiError } from '../errors';
import { ATTESTATIONS_PATH, remoteAttester } from './remote-attester';

// The fixtures keep the configuration chain once, beside the bundles.
const Fixtures = z.object({
  bundles: z.record(z.string(), BundleSchema.omit({ configuration: true })),
});
const fixtures = Fixtures.parse(
  JSON.parse(
    fs.readFileSync(
      path.join(__dirname, '..', '..', '..', 'verifier', 'fixtures', 'devnet-evidence.json'),
      'utf8',
    ),
  ),
);
const bundle = fixtures.bundles.gdRelease!;
const hkStatement = bundle.attestations.find((a) => a.signer.mspId === 'HKCustomsMSP')!;
const claims = { facts: bundle.facts, transactions: bundle.transactions, sources: bundle.sources };

/** A gateway answering every request with `status` and `body`; records what it was asked. */
async function gateway(status: number, body: unknown) {
  const asked: { url?: string; body: string }[] = [];
  const server = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      asked.push({ url: request.url, body: text });
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, asked, close: () => new Promise((resolve) => server.close(resolve)) };
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return (error as ApiError).code;
};

describe("another organisation's statement, asked of its gateway", () => {
  it("posts the claims and returns the organisation's attestation", async () => {
    const hk = await gateway(200, hkStatement);
    try {
      const got = await remoteAttester({ mspId: 'HKCustomsMSP', url: hk.url }).attest(claims);
      expect(got).toEqual(hkStatement);
      expect(hk.asked[0]?.url).toBe(ATTESTATIONS_PATH);
      const sent = z.object({ claims: z.base64() }).parse(JSON.parse(hk.asked[0]?.body ?? ''));
      expect(JSON.parse(Buffer.from(sent.claims, 'base64').toString())).toEqual(claims);
    } finally {
      await hk.close();
    }
  });

  it("refuses another organisation's statement, a refusal, a non-attestation and silence (NOT_READY)", async () => {
    const gd = bundle.attestations.find((a) => a.signer.mspId === 'GDCustomsMSP')!;
    for (const [status, body] of [
      [200, gd],
      [400, { error: { code: 'VALIDATION_FAILED' } }],
      [200, { ...hkStatement, extra: true }],
      [200, 'not json'],
    ] as const) {
      const hk = await gateway(status, body);
      try {
        await expect(
          refusal(remoteAttester({ mspId: 'HKCustomsMSP', url: hk.url }).attest(claims)),
        ).resolves.toBe('NOT_READY');
      } finally {
        await hk.close();
      }
    }
    const closed = await gateway(200, hkStatement);
    await closed.close();
    await expect(
      refusal(remoteAttester({ mspId: 'HKCustomsMSP', url: closed.url }).attest(claims)),
    ).resolves.toBe('NOT_READY');
  });
});
