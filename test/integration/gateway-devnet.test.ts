/**
 * The full clearance path through the gateway's HTTP API on the devnet, PostgreSQL and
 * Redis: a trader signs in with an e-signature certificate and files; officers of both GD
 * agencies act under their own Fabric identities; the indexer (block events) brings the
 * index level with the ledger, and the event stream shows the release.
 */
import { canonicalBytes } from '@clearance/core';
import {
  addAuthorityChange,
  createTestPki,
  sampleFiling,
  signFiling,
} from '@clearance/testkit/chaincode';
import { until } from '@clearance/testkit/gateway';
import { randomUUID } from 'node:crypto';
import { trustedPki } from '../support/devnet-fixtures';
import { startDevnetStack, type DevnetStack } from '../support/devnet-stack';

const PASSWORD = 'devnet test password';

describe('clearance through the gateway on the devnet', () => {
  const run = randomUUID().slice(0, 8).toUpperCase();
  let stack: DevnetStack;
  const as = (who: string) => stack.as(who);

  const http = async (
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    headers = {},
  ) => {
    const res = await fetch(`${stack.base}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    stack = await startDevnetStack({ run, password: PASSWORD });
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('files, inspects and releases a GD declaration; index and event stream follow the ledger', async () => {
    const pki = await trustedPki(as, run);
    const challenge = await http('POST', '/v1/auth/challenge', undefined, {});
    const proof = await pki.signers.gdTrader.sign(Buffer.from(challenge.body.challenge, 'base64'));
    const trader = await http('POST', '/v1/auth/trader', undefined, {
      challengeId: challenge.body.challengeId,
      signature: Buffer.from(proof).toString('base64'),
    });
    expect(trader.status).toBe(200);
    const token = trader.body.token as string;

    // Follow the event stream from now on.
    const controller = new AbortController();
    const stream = await fetch(`${stack.base}/v1/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    const reader = stream.body!.getReader();

    const id = `GD-${run}-HTTP`;
    const filing = sampleFiling(id);
    const signature = Buffer.from(await pki.signers.gdTrader.sign(canonicalBytes(filing))).toString(
      'base64',
    );
    const filed = await http(
      'POST',
      '/v1/declarations',
      token,
      { ...filing, signature },
      {
        'idempotency-key': randomUUID(),
        prefer: 'wait=30',
      },
    );
    expect(filed.body.operation).toMatchObject({ state: 'succeeded', declarationId: id });
    expect(filed.body.operation.transactionId).toMatch(/^[0-9a-f]{64}$/);

    const act = async (account: string, body: unknown) => {
      const done = await http(
        'POST',
        `/v1/declarations/${id}/acts`,
        await stack.officerToken(account),
        body,
        {
          'idempotency-key': randomUUID(),
          prefer: 'wait=30',
        },
      );
      expect(done.body.operation).toMatchObject({ state: 'succeeded' });
    };
    await act('gdcustoms/officer1', { action: 'ACCEPT', reason: 'documents complete' });
    await act('gdcustoms/officer1', { action: 'ASSESS_RISK', level: 'MEDIUM', score: 55 });
    await act('gdcustoms/officer1', { action: 'ORDER_INSPECTION', reason: 'joint check' });
    await act('gdcustoms/officer1', {
      action: 'RECORD_INSPECTION',
      result: 'COMPLIANT',
      findings: 'matches',
    });
    await act('gdciq/inspector1', {
      action: 'RECORD_INSPECTION',
      result: 'COMPLIANT',
      findings: 'no pests',
    });
    await act('gdcustoms/officer1', { action: 'RELEASE' });
    await act('gdciq/inspector1', { action: 'RELEASE' });

    const record = await http('GET', `/v1/declarations/${id}`, token);
    expect(record.body.state).toBe('RELEASED');
    // Each act is signed by the officer's own enrolled identity, not the gateway's.
    expect(record.body.releases.GDCIQMSP.actor.id).toContain('inspector1');
    expect(record.body.releases.GDCustomsMSP.actor.id).toContain('officer1');

    // The trader sees RELEASED on the stream, from the indexer.
    let text = '';
    // (The stream may first replay other tests' declarations of a trader with this name.)
    const released = new RegExp(
      `event: DeclarationReleased\\ndata: [^\\n]*"declarationId":"${id}"`,
    );
    while (!released.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    controller.abort();
    expect(text).toContain(`"declarationId":"${id}"`);

    // The index agrees with the ledger (the bench and the crash test compare whole indexes).
    const summary = await http('GET', `/v1/declarations/${id}/summary`, token);
    expect(summary.body).toMatchObject({
      state: record.body.state,
      version: record.body.version,
      onHold: record.body.hold !== null,
      lastAction: 'RELEASE',
    });
  }, 180_000);

  it("a trust-list change proposed by one side's admin is pending until the other side's admin approves it, and meanwhile changes nothing for sign-in or filings", async () => {
    const pki = await createTestPki({ idSuffix: `${run}-C` });
    const gdAdmin = await stack.officerToken('gdcustoms/trust-admin');
    const hkAdmin = await stack.officerToken('hkcustoms/trust-admin');
    const wait = () => ({ 'idempotency-key': randomUUID(), prefer: 'wait=30' });
    const signIn = async () => {
      const challenge = await http('POST', '/v1/auth/challenge', undefined, {});
      const proof = await pki.signers.gdTrader.sign(
        Buffer.from(challenge.body.challenge, 'base64'),
      );
      return http('POST', '/v1/auth/trader', undefined, {
        challengeId: challenge.body.challengeId,
        signature: Buffer.from(proof).toString('base64'),
      });
    };
    const fileOnLedger = async (id: string) => {
      const signed = await signFiling(sampleFiling(id), pki.signers.gdTrader);
      return as('gdcustoms/agent').submit('Declaration:File', signed.args, signed.transient);
    };

    const proposed = await http(
      'POST',
      '/v1/trust-list/proposals',
      gdAdmin,
      JSON.parse(addAuthorityChange(pki.gd)),
      wait(),
    );
    expect(proposed.body.operation).toMatchObject({
      state: 'succeeded',
      result: { status: 'PENDING', proposedBy: { mspId: 'GDCustomsMSP' } },
    });
    const proposalId = proposed.body.operation.result.proposalId as string;
    expect(proposalId).toMatch(/^[0-9a-f]{64}$/);

    // Pending: the authority's traders neither sign in nor file.
    const early = await signIn();
    expect(early.status).toBe(422);
    // (Not on the list: unknown, or a look-alike of another run's CA of the same name.)
    expect(early.body.error).toMatchObject({ code: 'CERTIFICATE_REJECTED' });
    await expect(fileOnLedger(`GD-${run}-PEND`)).rejects.toMatchObject({
      code: 'CERTIFICATE_REJECTED',
    });
    // The proposer's own side cannot approve it.
    const self = await http(
      'POST',
      `/v1/trust-list/proposals/${proposalId}/approval`,
      gdAdmin,
      { reason: 'GD alone' },
      wait(),
    );
    expect(self.body.operation).toMatchObject({ state: 'failed', error: { code: 'FORBIDDEN' } });
    expect((await signIn()).status).toBe(422);

    // HK customs' trust admin approves: now it takes effect.
    const approved = await http(
      'POST',
      `/v1/trust-list/proposals/${proposalId}/approval`,
      hkAdmin,
      { reason: 'HK agrees' },
      wait(),
    );
    expect(approved.body.operation).toMatchObject({
      state: 'succeeded',
      result: { status: 'APPROVED', decidedBy: { mspId: 'HKCustomsMSP' } },
    });
    const listed = await until('the sign-in to be accepted', 15_000, async () => {
      const res = await signIn();
      return res.status === 200 ? res : undefined;
    });
    expect(listed.body.principal).toMatchObject({
      kind: 'trader',
      authorityId: pki.gd.authorityId,
    });
    await expect(fileOnLedger(`GD-${run}-APPR`)).resolves.toBeDefined();
    const authority = await http('GET', `/v1/trust-list/${pki.gd.authorityId}`, gdAdmin);
    expect(authority.body).toMatchObject({
      status: 'ACTIVE',
      updatedBy: { mspId: 'GDCustomsMSP' },
      approvedBy: { mspId: 'HKCustomsMSP' },
    });
  }, 180_000);
});
