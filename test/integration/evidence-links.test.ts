/**
 * Evidence through the gateway on the devnet: a released declaration's bundle for its
 * trader and its agencies' officers only, verified by the verifier against the published
 * trust root; capability links made, listed and revoked by their creator, opened without an
 * account while live (410 once revoked, 404 unknown, 400 malformed), the token kept only
 * hashed; no commercial value anywhere in a bundle; the public route rate-limited.
 */
import { listAuthority, sampleFiling, type TestSigner } from '@clearance/testkit/chaincode';
import { buildApp, remoteAttester, type Ledger } from '@clearance/gateway';
import { CHAINCODE_NAME, CHANNEL_NAME } from '@clearance/devnet';
import { createBundleBuilder, verifyBundle, verdict, type Bundle } from '@clearance/verifier';
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { fileGd, sealedDevice, trustedPki } from '../support/devnet-fixtures';
import { startDevnetStack, type DevnetStack } from '../support/devnet-stack';

const PASSWORD = 'devnet test password';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

describe('evidence routes and capability links on the devnet', () => {
  const run = randomUUID().slice(0, 8).toUpperCase();
  let stack: DevnetStack;
  const as = (who: string) => stack.as(who);
  const id = `GD-${run}-EV`;
  let gdTrader: string;
  let hkTrader: string;

  const http = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${stack.base}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Body };
  };

  const signIn = async (signer: TestSigner): Promise<string> => {
    const challenge = await http('POST', '/v1/auth/challenge', undefined, {});
    const proof = await signer.sign(Buffer.from(challenge.body.challenge as string, 'base64'));
    const res = await http('POST', '/v1/auth/trader', undefined, {
      challengeId: challenge.body.challengeId,
      signature: Buffer.from(proof).toString('base64'),
    });
    expect(res.status).toBe(200);
    return res.body.token as string;
  };

  const shared = (body: unknown) => http('POST', '/v1/evidence/shared', undefined, body);

  beforeAll(async () => {
    stack = await startDevnetStack({ run, password: PASSWORD, evidence: true });
    const pki = await trustedPki(as, run);
    await listAuthority(as('hkcustoms/trust-admin'), as('gdcustoms/trust-admin'), pki.hk);
    gdTrader = await signIn(pki.signers.gdTrader);
    hkTrader = await signIn(pki.signers.hkTrader);
    await fileGd(as, pki, id);
    const officer = as('gdcustoms/officer1');
    await officer.submit('Declaration:Accept', [id, 'documents complete']);
    await officer.submit('Declaration:AssessRisk', [id, 'LOW', '5', 'known trader']);
    await officer.submit('Declaration:MarkReleaseEligible', [id, 'low risk']);
    await officer.submit('Declaration:Release', [id, 'duties paid']);
  }, 400_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('gives no bundle and makes no link before every agency has released', async () => {
    const evidence = await http('GET', `/v1/declarations/${id}/evidence`, gdTrader);
    expect(evidence.status).toBe(409);
    expect(evidence.body.error.code).toBe('NOT_RELEASED');
    const link = await http('POST', `/v1/declarations/${id}/evidence-links`, gdTrader);
    expect(link.status).toBe(409);
    expect(link.body.error.code).toBe('NOT_RELEASED');
    await as('gdciq/inspector1').submit('Declaration:Release', [id, 'no quarantine issue']);
  });

  it('gives the release bundle to its trader and its agencies, verified against the published root', async () => {
    const root = await http('GET', '/v1/evidence/trust-root');
    expect(root.status).toBe(200);
    const bundle = await http('GET', `/v1/declarations/${id}/evidence`, gdTrader);
    expect(bundle.status).toBe(200);
    const report = await verifyBundle(bundle.body, root.body, { expect: { declarationId: id } });
    expect(report.valid).toBe(true);
    expect(report.facts).toMatchObject({ kind: 'release' });
    const words = verdict(report, 'en');
    expect(words).toContain('Guangdong Customs');
    expect(words).toContain('Guangdong Inspection and Quarantine');
    expect(words).toContain(id);

    const ciq = await http(
      'GET',
      `/v1/declarations/${id}/evidence`,
      await stack.officerToken('gdciq/inspector1'),
    );
    expect(ciq.status).toBe(200);
    expect(ciq.body.facts).toEqual(bundle.body.facts);
  });

  it('refuses another trader (404), officers of other agencies (403) and anonymous askers (401)', async () => {
    const other = await http('GET', `/v1/declarations/${id}/evidence`, hkTrader);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
    expect((await http('POST', `/v1/declarations/${id}/evidence-links`, hkTrader)).status).toBe(
      404,
    );
    expect((await http('GET', `/v1/declarations/${id}/evidence-links`, hkTrader)).status).toBe(404);
    const hk = await http(
      'GET',
      `/v1/declarations/${id}/evidence`,
      await stack.officerToken('hkcustoms/officer1'),
    );
    expect(hk.status).toBe(403);
    const operator = await http(
      'GET',
      `/v1/declarations/${id}/evidence`,
      await stack.officerToken('logistics/operator1'),
    );
    expect(operator.status).toBe(403);
    expect((await http('GET', `/v1/declarations/${id}/evidence`)).status).toBe(401);
    expect((await http('POST', `/v1/declarations/${id}/evidence-links`)).status).toBe(401);
  });

  it('puts no commercial value in a bundle', async () => {
    const bundle = (await http('GET', `/v1/declarations/${id}/evidence`, gdTrader)).body as Bundle;
    const { commercial } = sampleFiling(id);
    // Every byte the bundle carries: its JSON and each Fabric message decoded from base64.
    const messages = [...bundle.blocks, ...bundle.configuration].flatMap((b) => b.data);
    const text = [
      JSON.stringify(bundle),
      ...messages.map((m) => Buffer.from(m, 'base64').toString('latin1')),
    ].join('\n');
    const values = [
      commercial.salt,
      commercial.totalValue,
      commercial.freight,
      commercial.insurance,
      ...commercial.lines.flatMap((l) => [l.unitValue, l.totalValue]),
    ];
    for (const value of values) expect(text).not.toContain(value);
    // The record's public part is there (the check above reads the right bytes).
    expect(text).toContain('Winding wire of copper');
  });

  it('makes, lists, opens and revokes capability links; the token is kept only hashed', async () => {
    const made = await http('POST', `/v1/declarations/${id}/evidence-links`, gdTrader);
    expect(made.status).toBe(201);
    const token = made.body.token as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    expect(made.body).toMatchObject({ declarationId: id, revokedAt: null });
    const second = await http('POST', `/v1/declarations/${id}/evidence-links`, gdTrader);
    expect(second.body.token).not.toBe(token);

    const listed = await http('GET', `/v1/declarations/${id}/evidence-links`, gdTrader);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((l: Body) => l.linkId).sort()).toEqual(
      [made.body.linkId, second.body.linkId].sort(),
    );
    expect(JSON.stringify(listed.body)).not.toContain(token);
    // Officers see their own links, not the trader's.
    const officer = await stack.officerToken('gdcustoms/officer1');
    expect(
      (await http('GET', `/v1/declarations/${id}/evidence-links`, officer)).body.items,
    ).toEqual([]);

    const { rows } = await stack.pool.query<Record<string, unknown>>(
      'SELECT * FROM evidence_links WHERE link_id = $1',
      [made.body.linkId],
    );
    expect(rows[0]?.token_sha256).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);

    const opened = await shared({ token });
    expect(opened.status).toBe(200);
    expect(opened.body.facts.declarations[0].declarationId).toBe(id);

    // Only its creator revokes it: anyone else is told there is no such link.
    expect((await http('DELETE', `/v1/evidence-links/${made.body.linkId}`, hkTrader)).status).toBe(
      404,
    );
    expect((await http('DELETE', `/v1/evidence-links/${made.body.linkId}`, officer)).status).toBe(
      404,
    );
    expect((await shared({ token })).status).toBe(200);

    const revoked = await http('DELETE', `/v1/evidence-links/${made.body.linkId}`, gdTrader);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const again = await http('DELETE', `/v1/evidence-links/${made.body.linkId}`, gdTrader);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    const gone = await shared({ token });
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('LINK_REVOKED');
    expect(JSON.stringify(gone.body)).not.toContain('facts');
    // The other link still opens.
    expect((await shared({ token: second.body.token })).status).toBe(200);
  });

  it('answers unknown tokens 404 and malformed requests 400, revealing nothing', async () => {
    const unknown = await shared({ token: randomBytes(32).toString('base64url') });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    for (const body of [
      {},
      { token: 'short' },
      { token: `${randomBytes(32).toString('base64url')}A` },
      { token: randomBytes(32).toString('base64') }, // '+' '/' '=' are not base64url
      { token: randomBytes(32).toString('base64url'), declarationId: id },
      { token: 7 },
    ]) {
      const res = await shared(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await http('DELETE', '/v1/evidence-links/not-a-uuid', gdTrader)).status).toBe(400);
    expect((await http('DELETE', `/v1/evidence-links/${randomUUID()}`, gdTrader)).status).toBe(404);
    expect((await http('GET', '/v1/declarations/..%2F..%2Fx/evidence', gdTrader)).status).toBe(400);
  });

  it("gives a crossing decision's bundle to customs officers and to the trader whose declaration it covers", async () => {
    const sealId = `SEAL-${run}-EV`;
    const crossingId = `X-${run}-EV`;
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await sealedDevice(as, {
      deviceId: `EL-${run}-EV`,
      sealId,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      tagUid: randomBytes(7).toString('hex'),
      declarationIds: [id],
    });
    await as('hkcustoms/officer1').submit('Crossing:Decide', [
      JSON.stringify({ crossingId, sealId, controlPoint: 'LMC', direction: 'NORTHBOUND' }),
    ]);
    const path = `/v1/crossings/${crossingId}/evidence`;
    const root = (await http('GET', '/v1/evidence/trust-root')).body;
    const officer = await http('GET', path, await stack.officerToken('hkcustoms/officer1'));
    expect(officer.status).toBe(200);
    const report = await verifyBundle(officer.body, root, { expect: { crossingId } });
    expect(report.valid).toBe(true);
    expect(report.facts).toMatchObject({ kind: 'crossing', crossingId, declarationIds: [id] });
    // The trader's access goes through the index (whose declarations it covers): it may trail.
    let trader = await http('GET', path, gdTrader);
    for (let i = 0; i < 20 && trader.status === 404; i++) {
      await new Promise((r) => setTimeout(r, 250));
      trader = await http('GET', path, gdTrader);
    }
    expect(trader.status).toBe(200);
    expect(trader.body.facts).toEqual(officer.body.facts);
    expect((await http('GET', path, hkTrader)).status).toBe(404);
    expect((await http('GET', path, await stack.officerToken('logistics/operator1'))).status).toBe(
      403,
    );
    expect((await http('GET', `/v1/crossings/X-${run}-NONE/evidence`, gdTrader)).status).toBe(404);
  });

  it("builds a bundle with the other customs service's statement asked of its own gateway", async () => {
    const harness = stack.evidence!;
    const hkAttester = harness.attesters.find((a) => a.mspId === 'HKCustomsMSP')!;
    const gdAttester = harness.attesters.find((a) => a.mspId === 'GDCustomsMSP')!;
    // HK customs' gateway: only its statements are used here (its ledger is the stack's,
    // left open for the stack to close).
    const hkLedger: Ledger = Object.assign(Object.create(as('hkcustoms/officer1')) as Ledger, {
      close: async () => undefined,
    });
    const hk = await buildApp({
      ledger: hkLedger,
      database: stack.pool,
      evidence: {
        builder: harness.builder,
        trustRoot: harness.trustRoot,
        attester: hkAttester,
      },
    });
    const hkBase = await hk.listen({ host: '127.0.0.1', port: 0 });
    try {
      const builder = createBundleBuilder({
        reader: harness.readers.get('GDCustomsMSP')!,
        channel: CHANNEL_NAME,
        chaincode: CHAINCODE_NAME,
        attesters: [gdAttester, remoteAttester({ mspId: 'HKCustomsMSP', url: hkBase })],
      });
      const local = (await http('GET', `/v1/declarations/${id}/evidence`, gdTrader)).body as Bundle;
      const subject = local.transactions.find((t) => t.role === 'subject')!.id;
      const bundle = await builder.build({ kind: 'release', transactionIds: [subject] });
      expect(bundle.attestations.map((a) => a.signer.mspId).sort()).toEqual([
        'GDCustomsMSP',
        'HKCustomsMSP',
      ]);
      const report = await verifyBundle(bundle, harness.trustRoot, {
        expect: { declarationId: id },
      });
      expect(report.valid).toBe(true);

      // Claims its peer does not bear out are refused, unsigned; so is an oversized request.
      const ask = (body: { claims: unknown; extra?: number }) =>
        fetch(`${hkBase}/v1/evidence/attestations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            ...body,
            claims: Buffer.from(JSON.stringify(body.claims)).toString('base64'),
          }),
        });
      const claims = {
        facts: bundle.facts,
        transactions: bundle.transactions,
        sources: bundle.sources,
      };
      const moved = {
        ...claims,
        transactions: claims.transactions.map((t) => ({ ...t, index: t.index + 1 })),
      };
      const refused = await ask({ claims: moved });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as Body).error.code).toBe('VALIDATION_FAILED');
      const many = { ...claims, transactions: Array(33).fill(claims.transactions[0]) };
      expect((await ask({ claims: many })).status).toBe(400);
      expect((await ask({ claims, extra: 1 })).status).toBe(400);
      const notJson = await fetch(`${hkBase}/v1/evidence/attestations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ claims: Buffer.from('{ not json').toString('base64') }),
      });
      expect(notJson.status).toBe(400);
      expect((await ask({ claims })).status).toBe(200);
    } finally {
      await hk.close();
    }
  });

  it('rate-limits the public route per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await shared({ token: 'x' })).status);
    expect(statuses).toContain(429);
    const limited = await shared({ token: 'x' });
    expect(limited.body.error.code).toBe('RATE_LIMITED');
  });
});
