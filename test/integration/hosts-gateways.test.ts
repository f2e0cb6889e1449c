/**
 * The application across hosts: each organisation's own gateway on its own host (its
 * PostgreSQL, Redis and peer), holding its own officers' accounts and keys only. One full
 * clearance through the gateways of the organisations concerned: the trust list changed by
 * GD's trust admin at GD customs' gateway and approved by HK's at HK customs', an HK export
 * filed at HK customs' gateway and the GD import at GD customs', a trader at the wrong one
 * refused with WRONG_GATEWAY, acceptance, the joint inspection (GD customs' and GD CIQ's
 * officers each at their own gateway), both releases, the seal set up by the operators and
 * both customs services each on their own host, and the crossing decided by the lane device
 * at HK customs' gateway. Then what each gateway holds. Last, Macao customs admitted: its own
 * gateway (its officer only), a seal to Macao tapped and decided at Macao's HZMB port by
 * Macao's officer, its index listing that crossing, no GD or HK commercial values there.
 * Between them GD customs shares the GD import's commercial values with HK customs by a
 * recorded act (and no one else can).
 * One hosts network for the file (`.devnet-hosts/gw`, wiped first), about four minutes.
 */
import { canonicalBytes } from '@clearance/core';
import {
  GATEWAY_PROCESS,
  HostsDevnet,
  REPO_ROOT,
  findFabric,
  hostGateway,
  hostGateways,
  officersOf,
  startHostGateways,
} from '@clearance/devnet';
import { addAuthorityChange, createTestPki, sampleFiling } from '@clearance/testkit/chaincode';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import {
  call,
  compareIndexOnHost,
  dumpOnHost,
  officerToken,
  onHost,
  operation,
  sqlOnHost,
  submitOnHost,
  signInTraderWhenRecognised,
  whyOnHost,
} from '../support/host-gateways';

const asRoot = process.getuid?.() === 0;
const fabric = findFabric();
if (!fabric || !asRoot)
  console.warn(
    `SKIPPED host gateway tests: ${!fabric ? 'no Fabric install found (npm run fabric:install)' : 'network namespaces need root'}`,
  );
const describeHosts = fabric && asRoot ? describe : describe.skip;

describeHosts('a gateway per organisation across hosts', () => {
  const devnet = new HostsDevnet({
    root: path.join(REPO_ROOT, '.devnet-hosts', 'gw'),
    log: () => undefined,
  });
  const run = randomUUID().slice(0, 6).toUpperCase();
  const hkExport = `HK-${run}-X`;
  const gdImport = `GD-${run}-M`;
  /** Commercial values only their own side may read: markers to look for in databases. */
  const marker = { HK: `INV-HKONLY-${run}`, GD: `INV-GDONLY-${run}` };
  const url = (organisation: string) => hostGateway(devnet, organisation).url;

  beforeAll(async () => {
    await devnet.reset();
    await devnet.up();
    await startHostGateways(devnet, { logLevel: 'warn' });
  }, 420_000);

  afterAll(async () => {
    await devnet.down();
  }, 120_000);

  it("runs each organisation's gateway on its own host, holding its own officers' accounts only", async () => {
    const gateways = hostGateways(devnet);
    expect(gateways.map((g) => g.organisation).sort()).toEqual([
      'gdciq',
      'gdcustoms',
      'hkcustoms',
      'logistics',
    ]);
    for (const g of gateways) {
      expect(devnet.pidOn(g.host, GATEWAY_PROCESS)).toBeDefined();
      const ready = await call(g.url, 'GET', '/readyz');
      expect([g.organisation, ready.status]).toEqual([g.organisation, 200]);
      const accounts = (await sqlOnHost(devnet, g.host, 'SELECT account_id FROM accounts'))
        .trim()
        .split('\n')
        .sort();
      expect(accounts).toEqual(
        officersOf(g.organisation)
          .map((o) => `${o.org}/${o.name}`)
          .sort(),
      );
    }
  });

  it("no gateway's host can read a key of another organisation, nor another gateway's secrets", async () => {
    const net = devnet.network();
    for (const g of hostGateways(devnet)) {
      for (const org of net.layout.peerOrgs) {
        for (const officer of officersOf(org.key)) {
          const key = path.join(devnet.paths.officerDir(org, officer.name), 'key.pem');
          const read = await onHost(devnet, g.host, ['cat', key]);
          const readable = read.status === 0 && read.stdout.includes('PRIVATE KEY');
          expect({ on: g.host, key: `${org.key}/${officer.name}`, readable }).toEqual({
            on: g.host,
            key: `${org.key}/${officer.name}`,
            readable: org.key === g.organisation,
          });
        }
      }
      for (const other of hostGateways(devnet)) {
        const secrets = path.join(devnet.hostPaths(other.host).root, 'gateway', 'secrets.json');
        const read = await onHost(devnet, g.host, ['cat', secrets]);
        expect({ on: g.host, of: other.host, readable: read.status === 0 }).toEqual({
          on: g.host,
          of: other.host,
          readable: other.host === g.host,
        });
      }
    }
  }, 120_000);

  it('clears an HK export and a GD import through their own gateways, up to the crossing the lane device decides at HK customs', async () => {
    const pki = await createTestPki({ idSuffix: run });
    // The trust list: each side's authority proposed at its own gateway, approved at the other's.
    for (const [side, other, authority] of [
      ['gdcustoms', 'hkcustoms', pki.gd],
      ['hkcustoms', 'gdcustoms', pki.hk],
    ] as const) {
      const proposed = await operation(
        url(side),
        await officerToken(devnet, `${side}/trust-admin`),
        '/v1/trust-list/proposals',
        JSON.parse(addAuthorityChange(authority)),
      );
      expect(proposed).toMatchObject({ state: 'succeeded' });
      const proposalId = (proposed.result as { proposalId: string }).proposalId;
      // The other side's gateway reads the proposal from its own peer once the block is there.
      let approved;
      for (let attempt = 1; attempt <= 10; attempt++) {
        approved = await operation(
          url(other),
          await officerToken(devnet, `${other}/trust-admin`),
          `/v1/trust-list/proposals/${proposalId}/approval`,
          { reason: 'recognised' },
        );
        if (approved.state === 'succeeded' || approved.error?.code !== 'NOT_FOUND') break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(approved).toMatchObject({ state: 'succeeded' });
    }

    // Traders sign in at the gateway of the customs service they declare to.
    const hkTrader = await signInTraderWhenRecognised(
      devnet,
      'hkcustoms',
      pki.signers.hkTrader,
      pki.hk.authorityId,
    );
    const gdTrader = await signInTraderWhenRecognised(
      devnet,
      'gdcustoms',
      pki.signers.gdTrader,
      pki.gd.authorityId,
    );
    const signed = async (id: string, jurisdiction: 'GD' | 'HK') => {
      const filing = sampleFiling(id, jurisdiction);
      filing.commercial.invoiceNumber = marker[jurisdiction];
      const signer = jurisdiction === 'GD' ? pki.signers.gdTrader : pki.signers.hkTrader;
      const signature = Buffer.from(await signer.sign(canonicalBytes(filing))).toString('base64');
      return { ...filing, signature };
    };
    // At the wrong gateway: a coded refusal, nothing queued.
    const wrong = await call(url('hkcustoms'), 'POST', '/v1/declarations', {
      token: hkTrader,
      body: await signed(`GD-${run}-WRONG`, 'GD'),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect([wrong.status, wrong.body.error?.code]).toEqual([403, 'WRONG_GATEWAY']);
    const wrongOfficer = await call(url('gdcustoms'), 'POST', '/v1/auth/officer', {
      body: { organisation: 'hkcustoms', username: 'officer1', password: 'whatever-it-is' },
    });
    expect([wrongOfficer.status, wrongOfficer.body.error?.code]).toEqual([403, 'WRONG_GATEWAY']);

    expect(
      await operation(url('hkcustoms'), hkTrader, '/v1/declarations', await signed(hkExport, 'HK')),
    ).toMatchObject({ state: 'succeeded' });
    expect(
      await operation(url('gdcustoms'), gdTrader, '/v1/declarations', await signed(gdImport, 'GD')),
    ).toMatchObject({ state: 'succeeded' });

    // Each officer acts at their own organisation's gateway.
    const act = async (account: string, id: string, body: object) => {
      const organisation = account.split('/')[0] as string;
      const token = await officerToken(devnet, account);
      for (let attempt = 1; ; attempt++) {
        const op = await operation(url(organisation), token, `/v1/declarations/${id}/acts`, body);
        // The act's gateway reads through its own peer, which may trail the last act's block.
        if (op.state === 'succeeded') return;
        if (!['INVALID_STATE', 'NOT_FOUND'].includes(op.error?.code ?? '') || attempt === 10)
          throw new Error(`${account} ${JSON.stringify(body)} on ${id}: ${JSON.stringify(op)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await act('hkcustoms/officer1', hkExport, { action: 'ACCEPT', reason: 'documents complete' });
    await act('hkcustoms/officer1', hkExport, { action: 'ASSESS_RISK', level: 'LOW', score: 10 });
    await act('hkcustoms/officer1', hkExport, { action: 'MARK_RELEASE_ELIGIBLE', reason: '' });
    await act('hkcustoms/officer1', hkExport, { action: 'RELEASE' });
    await act('gdcustoms/officer1', gdImport, { action: 'ACCEPT', reason: 'documents complete' });
    await act('gdcustoms/officer1', gdImport, { action: 'ASSESS_RISK', level: 'HIGH', score: 80 });
    await act('gdcustoms/officer1', gdImport, { action: 'ORDER_INSPECTION', reason: 'joint' });
    await act('gdcustoms/officer1', gdImport, {
      action: 'RECORD_INSPECTION',
      result: 'COMPLIANT',
      findings: 'as declared',
    });
    await act('gdciq/inspector1', gdImport, {
      action: 'RECORD_INSPECTION',
      result: 'COMPLIANT',
      findings: 'no pests',
    });
    await act('gdcustoms/officer1', gdImport, { action: 'RELEASE' });
    await act('gdciq/inspector1', gdImport, { action: 'RELEASE' });

    // The seal: registered and applied by the operators, accredited by each customs service,
    // each on its own host with its own key; readings anchored by the operators.
    const sealId = `SEAL-${run}`;
    const deviceId = `EL-${run}`;
    const tagUid = Buffer.concat([Buffer.from([0x04]), randomBytes(6)]).toString('hex');
    await submitOnHost(devnet, 'logistics/operator1', 'Seal:RegisterDevice', [
      JSON.stringify({
        deviceId,
        model: 'GPS-ELOCK-7',
        publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .publicKey.export({ type: 'spki', format: 'pem' })
          .toString(),
        tagUid,
      }),
    ]);
    await submitOnHost(devnet, 'gdcustoms/officer1', 'Seal:AccreditDevice', [deviceId]);
    await submitOnHost(devnet, 'hkcustoms/officer1', 'Seal:AccreditDevice', [deviceId]);
    await submitOnHost(devnet, 'logistics/operator1', 'Seal:ApplySeal', [
      JSON.stringify({
        sealId,
        deviceId,
        conveyance: 'ZM4321',
        routeId: 'HKIA-FUTIAN',
        declarationIds: [hkExport, gdImport],
      }),
    ]);
    const now = Date.now();
    await submitOnHost(devnet, 'logistics/operator1', 'Seal:AnchorReadings', [
      sealId,
      JSON.stringify({
        batchId: `b-${run}`,
        fromCounter: 1,
        toCounter: 60,
        count: 60,
        merkleRoot: 'ab'.repeat(32),
        firstTime: new Date(now - 5 * 60_000).toISOString(),
        lastTime: new Date(now).toISOString(),
      }),
    ]);
    await submitOnHost(devnet, 'hkcustoms/officer1', 'Seal:RecordCheckpoint', [
      sealId,
      JSON.stringify({ controlPoint: 'LMC', tagUid, counter: 1 }),
    ]);
    // Readings go to the operators' gateway, which anchors them; GD customs' sends them there.
    const readings = await call(url('gdcustoms'), 'POST', '/v1/seals/readings', {
      body: { readings: [] },
    });
    expect([readings.status, readings.body.error?.code]).toEqual([403, 'WRONG_GATEWAY']);

    // The lane device at Lok Ma Chau decides, at HK customs' gateway.
    const lane = await officerToken(devnet, 'hkcustoms/lane-lmc');
    let decided: Awaited<ReturnType<typeof call>> | undefined;
    for (let attempt = 1; attempt <= 10; attempt++) {
      decided = await call(url('hkcustoms'), 'POST', '/v1/crossings', {
        token: lane,
        body: { sealId, controlPoint: 'LMC', direction: 'NORTHBOUND' },
        headers: { 'idempotency-key': randomUUID() },
      });
      if (decided.status < 500 && decided.body.error?.code !== 'INVALID_STATE') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(decided?.status).toBeLessThan(300);
    const crossing = decided?.body.crossing;
    expect(crossing).toMatchObject({ sealId, controlPoint: 'LMC' });
    expect(['GO', 'INSPECT']).toContain(crossing.decision);
    // Nothing wrong with the truck: an INSPECT can only be the random draw.
    expect(crossing.reasons.filter((r: string) => r !== 'RANDOM_SELECTION')).toEqual([]);
  }, 420_000);

  it('each gateway holds what its organisation may see: its own index of its own peer, no other side’s commercial values (nor can its peer read them)', async () => {
    const gdOfficer = await officerToken(devnet, 'gdcustoms/officer1');
    const hkOfficer = await officerToken(devnet, 'hkcustoms/officer1');
    // Each index (from its own peer's events) lists both declarations' public states.
    for (const [organisation, token] of [
      ['gdcustoms', gdOfficer],
      ['hkcustoms', hkOfficer],
    ] as const) {
      for (const [id, state] of [
        [gdImport, 'RELEASED'],
        [hkExport, 'RELEASED'],
      ]) {
        let summary;
        // Its peer may trail the orderers by some blocks on a loaded machine: up to a minute.
        for (let attempt = 1; attempt <= 240; attempt++) {
          summary = await call(url(organisation), 'GET', `/v1/declarations/${id}/summary`, {
            token,
          });
          if (summary.status === 200 && summary.body.state === state) break;
          await new Promise((r) => setTimeout(r, 250));
        }
        if (summary?.body.state !== state)
          console.log(
            `${id} at ${organisation}: ${summary?.status} ${JSON.stringify(summary?.body)}\n${await whyOnHost(devnet, organisation)}`,
          );
        expect({ organisation, id, state: summary?.body.state }).toEqual({
          organisation,
          id,
          state,
        });
      }
    }
    // The operators' gateway does not show declarations to its seal operators.
    const operator = await officerToken(devnet, 'logistics/operator1');
    const refused = await call(url('logistics'), 'GET', `/v1/declarations/${gdImport}`, {
      token: operator,
    });
    expect(refused.status).toBe(403);
    // No gateway database holds the other side's commercial values (nor the operators' any).
    for (const g of hostGateways(devnet)) {
      const dump = await dumpOnHost(devnet, g.host);
      expect(dump).toContain(gdImport); // the dump is of a live index
      expect({ on: g.host, hk: dump.includes(marker.HK), gd: dump.includes(marker.GD) }).toEqual({
        on: g.host,
        hk: false,
        gd: false,
      });
    }
    // Commercial values are read through one's own peer, which holds only its collections':
    // each customs service reads its own side's, GD customs not HK's nor HK customs GD's.
    const commercial = (account: string, id: string) =>
      submitOnHost(devnet, account, 'Declaration:GetCommercial', [id, ''], 'evaluate').then(
        (json) => (JSON.parse(json) as { invoiceNumber: string }).invoiceNumber,
        (error: { code?: string }) => `refused ${error.code ?? '?'}`,
      );
    expect(await commercial('hkcustoms/officer1', hkExport)).toBe(marker.HK);
    expect(await commercial('gdcustoms/officer1', gdImport)).toBe(marker.GD);
    expect(await commercial('gdcustoms/officer1', hkExport)).toMatch(/^refused /);
    expect(await commercial('gdciq/inspector1', hkExport)).toMatch(/^refused /);
    expect(await commercial('hkcustoms/officer1', gdImport)).toMatch(/^refused /);
    // Each index equals its own peer's ledger.
    for (const g of hostGateways(devnet)) {
      const compared = await compareIndexOnHost(devnet, g.organisation);
      expect({ organisation: g.organisation, status: compared.status }).toEqual({
        organisation: g.organisation,
        status: 0,
      });
    }
  }, 240_000);

  it("GD customs shares the GD import's commercial values with HK customs by a recorded act; no one else can, and HK reads them through its own peer", async () => {
    const share = (account: string, id: string, body: object, token?: string) =>
      officerToken(devnet, account).then((officer) =>
        call(
          url(account.split('/')[0] as string),
          'POST',
          `/v1/declarations/${id}/commercial-shares`,
          {
            token: token ?? officer,
            body,
            headers: { 'idempotency-key': randomUUID(), prefer: 'wait=30' },
          },
        ),
      );
    const commercial = (account: string, id: string) =>
      submitOnHost(devnet, account, 'Declaration:GetCommercial', [id, ''], 'evaluate').then(
        (json) => (JSON.parse(json) as { invoiceNumber: string }).invoiceNumber,
        (error: { code?: string }) => `refused ${error.code ?? '?'}`,
      );
    expect(await commercial('hkcustoms/officer1', gdImport)).toBe('refused NOT_FOUND');
    // Only the owning side's customs officer shares, and only with the other side.
    const byHk = await share('hkcustoms/officer1', gdImport, { to: 'HK', reason: 'audit' });
    expect([byHk.status, byHk.body.error?.code]).toEqual([403, 'FORBIDDEN']);
    const byCiq = await share('gdciq/inspector1', gdImport, { to: 'HK', reason: 'audit' });
    expect([byCiq.status, byCiq.body.error?.code]).toEqual([403, 'FORBIDDEN']);
    const toSelf = await share('gdcustoms/officer1', gdImport, { to: 'GD', reason: 'audit' });
    expect([toSelf.status, toSelf.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    const noReason = await share('gdcustoms/officer1', gdImport, { to: 'HK', reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(await commercial('hkcustoms/officer1', gdImport)).toBe('refused NOT_FOUND');

    const shared = await share('gdcustoms/officer1', gdImport, {
      to: 'HK',
      reason: 'valuation query from HK customs',
    });
    expect(shared.status).toBe(200);
    expect(shared.body.operation).toMatchObject({ state: 'succeeded' });
    // Recorded on the ledger: who, when, which version, the values' hash, to whom, why.
    const recorded = JSON.parse(
      await submitOnHost(
        devnet,
        'hkcustoms/officer1',
        'Declaration:ListCommercialShares',
        [gdImport],
        'evaluate',
      ),
    ) as { sharedBy: { mspId: string }; to: string; from: string; valuesSha256: string }[];
    expect(recorded).toEqual([
      expect.objectContaining({
        declarationId: gdImport,
        from: 'GD',
        to: 'HK',
        reason: 'valuation query from HK customs',
        sharedBy: expect.objectContaining({ mspId: 'GDCustomsMSP', role: 'customs-officer' }),
        valuesSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        txId: shared.body.operation.transactionId,
      }),
    ]);
    // HK customs reads them through its own peer once the block is there; GD's own
    // collection is as before (GD's agencies read it, HK's peer still cannot).
    let read = '';
    for (let attempt = 1; attempt <= 20 && read !== marker.GD; attempt++) {
      read = await commercial('hkcustoms/officer1', gdImport);
      if (read !== marker.GD) await new Promise((r) => setTimeout(r, 500));
    }
    expect(read).toBe(marker.GD);
    expect(await commercial('gdciq/inspector1', gdImport)).toBe(marker.GD);
    // HK's own declaration was not shared: GD still cannot read it.
    expect(await commercial('gdcustoms/officer1', hkExport)).toMatch(/^refused /);
  }, 180_000);

  it("Macao customs, admitted, runs its own gateway: its officers only, no other's keys, its own peer's index showing the crossings at Macao's control points, no GD or HK commercial values", async () => {
    await devnet.admit('macao');
    expect(await startHostGateways(devnet, { logLevel: 'warn' })).toEqual(['macao/gateway']);
    const macao = hostGateway(devnet, 'mocustoms');
    expect((await call(macao.url, 'GET', '/readyz')).status).toBe(200);
    const accounts = (await sqlOnHost(devnet, macao.host, 'SELECT account_id FROM accounts'))
      .trim()
      .split('\n');
    expect(accounts).toEqual(officersOf('mocustoms').map((o) => `${o.org}/${o.name}`));
    // Macao's host reads no other organisation's officer keys; no other host reads Macao's.
    const net = devnet.network();
    for (const g of hostGateways(devnet)) {
      for (const org of net.layout.peerOrgs) {
        if (g.organisation !== 'mocustoms' && org.key !== 'mocustoms') continue;
        for (const officer of officersOf(org.key)) {
          const key = path.join(devnet.paths.officerDir(org, officer.name), 'key.pem');
          const read = await onHost(devnet, g.host, ['cat', key]);
          const readable = read.status === 0 && read.stdout.includes('PRIVATE KEY');
          expect({ on: g.host, key: `${org.key}/${officer.name}`, readable }).toEqual({
            on: g.host,
            key: `${org.key}/${officer.name}`,
            readable: org.key === g.organisation,
          });
        }
      }
    }
    const wrongOfficer = await call(macao.url, 'POST', '/v1/auth/officer', {
      body: { organisation: 'hkcustoms', username: 'officer1', password: 'whatever-it-is' },
    });
    expect([wrongOfficer.status, wrongOfficer.body.error?.code]).toEqual([403, 'WRONG_GATEWAY']);

    // The HK export goes on to Macao over the bridge, under a seal of its own.
    const sealId = `SEAL-${run}-MO`;
    const deviceId = `EL-${run}-MO`;
    const tagUid = Buffer.concat([Buffer.from([0x04]), randomBytes(6)]).toString('hex');
    await submitOnHost(devnet, 'logistics/operator1', 'Seal:RegisterDevice', [
      JSON.stringify({
        deviceId,
        model: 'GPS-ELOCK-7',
        publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .publicKey.export({ type: 'spki', format: 'pem' })
          .toString(),
        tagUid,
      }),
    ]);
    await submitOnHost(devnet, 'gdcustoms/officer1', 'Seal:AccreditDevice', [deviceId]);
    await submitOnHost(devnet, 'hkcustoms/officer1', 'Seal:AccreditDevice', [deviceId]);
    await submitOnHost(devnet, 'logistics/operator1', 'Seal:ApplySeal', [
      JSON.stringify({
        sealId,
        deviceId,
        conveyance: 'MO1234',
        routeId: 'HKIA-MACAO',
        declarationIds: [hkExport],
      }),
    ]);
    const tap = JSON.stringify({ controlPoint: 'HZMBMO', tagUid, counter: 1 });
    // Only Macao customs taps at Macao's port, under its own key on its own host.
    await expect(
      submitOnHost(devnet, 'hkcustoms/officer1', 'Seal:RecordCheckpoint', [sealId, tap]),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await submitOnHost(devnet, 'mocustoms/officer1', 'Seal:RecordCheckpoint', [sealId, tap]);

    // Macao's officer decides at Macao's gateway (both customs services' peers endorse).
    const officer = await officerToken(devnet, 'mocustoms/officer1');
    let decided: Awaited<ReturnType<typeof call>> | undefined;
    for (let attempt = 1; attempt <= 10; attempt++) {
      decided = await call(macao.url, 'POST', '/v1/crossings', {
        token: officer,
        body: { sealId, controlPoint: 'HZMBMO', direction: 'SOUTHBOUND' },
        headers: { 'idempotency-key': randomUUID() },
      });
      if (decided.status < 500 && decided.body.error?.code !== 'INVALID_STATE') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(decided?.status).toBeLessThan(300);
    const crossingId = decided?.body.crossing.crossingId as string;
    expect(decided?.body.crossing).toMatchObject({ sealId, controlPoint: 'HZMBMO' });
    // An HK officer cannot decide at Macao's port (the ledger refuses, whoever's gateway).
    const hkDecides = await call(url('hkcustoms'), 'POST', '/v1/crossings', {
      token: await officerToken(devnet, 'hkcustoms/officer1'),
      body: { sealId, controlPoint: 'HZMBMO', direction: 'SOUTHBOUND' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect([hkDecides.status, hkDecides.body.error?.code]).toEqual([403, 'FORBIDDEN']);

    // Macao's index, from its own peer, lists the crossing at its control point.
    let listed: Awaited<ReturnType<typeof call>> | undefined;
    for (let attempt = 1; attempt <= 40; attempt++) {
      listed = await call(macao.url, 'GET', '/v1/crossings?controlPoint=HZMBMO', {
        token: officer,
      });
      if (listed.body.items?.some((c: { crossingId: string }) => c.crossingId === crossingId))
        break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(listed?.body.items).toEqual([
      expect.objectContaining({ crossingId, sealId, controlPoint: 'HZMBMO' }),
    ]);

    // Neither side's commercial values: not in its database, not readable through its peer.
    const dump = await dumpOnHost(devnet, macao.host);
    expect(dump).toContain(crossingId);
    expect({ hk: dump.includes(marker.HK), gd: dump.includes(marker.GD) }).toEqual({
      hk: false,
      gd: false,
    });
    for (const id of [hkExport, gdImport])
      await expect(
        submitOnHost(
          devnet,
          'mocustoms/officer1',
          'Declaration:GetCommercial',
          [id, ''],
          'evaluate',
        ),
      ).rejects.toThrow(/GetCommercial/);
    expect((await compareIndexOnHost(devnet, 'mocustoms')).status).toBe(0);
  }, 600_000);
});
