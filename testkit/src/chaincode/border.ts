/**
 * A border on the in-memory ledger, for the chaincode's unit tests of seals and crossings:
 * declarations taken through the life cycle, e-lock devices accredited by both customs
 * services, seals, anchored readings, taps, decisions and inspection outcomes, each act
 * under the identity that would take it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { contracts } from '@clearance/chaincode';
import type {
  CrossingRecord,
  DeclarationRecord,
  Jurisdiction,
  SealRecord,
} from '@clearance/domain';
import { OFFICERS, listAuthority, sampleFiling, signFiling } from './fixtures';
import { MemoryLedger, type ContractInvoker, type SubmitResult } from './memory-ledger';
import type { TestPki } from './test-pki';

const MINUTE = 60_000;
export type Officer = keyof typeof OFFICERS;

export interface Border {
  readonly ledger: MemoryLedger;
  as(who: Officer): ContractInvoker;
  /** Files a declaration and takes it to RELEASE_ELIGIBLE (RELEASED by every agency if asked). */
  declaration(
    id: string,
    jurisdiction: Jurisdiction,
    options?: { release?: boolean },
  ): Promise<void>;
  /** Registers a device with its tag and has both customs services accredit it. */
  device(deviceId: string, tagUid: string): Promise<void>;
  /** Applies a seal (route KWC-FUTIAN by default: LMC, then HGG); resolves with its apply time. */
  seal(
    sealId: string,
    deviceId: string,
    declarationIds: string[],
    routeId?: string,
  ): Promise<number>;
  /** Anchors readings from..to of a seal, the last one read `lastMillis` (now by default). */
  anchor(sealId: string, from: number, to: number, lastMillis?: number): Promise<SubmitResult>;
  tap(
    sealId: string,
    tagUid: string,
    counter: number,
    controlPoint?: string,
    who?: Officer,
  ): Promise<SubmitResult>;
  alarm(sealId: string, kind: string, who?: Officer): Promise<SubmitResult>;
  decide(sealId: string, controlPoint?: string, who?: Officer): Promise<CrossingRecord>;
  outcome(
    crossingId: string,
    outcome: 'CLEARED' | 'HOLD',
    reason: string,
    who: Officer,
  ): Promise<SubmitResult>;
  get(id: string): Promise<DeclarationRecord>;
  getSeal(sealId: string): Promise<SealRecord>;
  /** The ledger's clock (transaction times). */
  now(): number;
}

/** A border on a new in-memory ledger, or on `ledger` (a gateway twin's chain, say). */
export async function createBorder(
  pki: TestPki,
  ledger = new MemoryLedger(contracts.map((C) => new C())),
): Promise<Border> {
  const as = (who: Officer) => ledger.invokerFor(OFFICERS[who]);
  await listAuthority(as('gdTrustAdmin'), as('hkTrustAdmin'), pki.gd);
  await listAuthority(as('hkTrustAdmin'), as('gdTrustAdmin'), pki.hk);
  const publicKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
  let clock = Date.now();
  let crossings = 0;
  const border: Border = {
    ledger,
    as,
    async declaration(id, jurisdiction, options = {}) {
      const signer = jurisdiction === 'GD' ? pki.signers.gdTrader : pki.signers.hkTrader;
      const signed = await signFiling(sampleFiling(id, jurisdiction), signer);
      await as(jurisdiction === 'GD' ? 'gdAgent' : 'hkAgent').submit(
        'Declaration:File',
        signed.args,
        signed.transient,
      );
      const officer = as(jurisdiction === 'GD' ? 'gdCustoms' : 'hkCustoms');
      await officer.submit('Declaration:Accept', [id, '']);
      await officer.submit('Declaration:AssessRisk', [id, 'LOW', '5', '']);
      await officer.submit('Declaration:MarkReleaseEligible', [id, '']);
      if (!options.release) return;
      await officer.submit('Declaration:Release', [id, '']);
      if (jurisdiction === 'GD') await as('gdCiq').submit('Declaration:Release', [id, '']);
    },
    async device(deviceId, tagUid) {
      await as('sealOperator').submit('Seal:RegisterDevice', [
        JSON.stringify({ deviceId, model: 'GPS-ELOCK-7', publicKeyPem, tagUid }),
      ]);
      await as('gdCustoms').submit('Seal:AccreditDevice', [deviceId]);
      await as('hkCustoms').submit('Seal:AccreditDevice', [deviceId]);
    },
    async seal(sealId, deviceId, declarationIds, routeId = 'KWC-FUTIAN') {
      const applied = await as('sealOperator').submit('Seal:ApplySeal', [
        JSON.stringify({ sealId, deviceId, conveyance: 'ZM1234', routeId, declarationIds }),
      ]);
      clock = Date.parse((JSON.parse(applied.result) as SealRecord).applied.at);
      return clock;
    },
    anchor(sealId, from, to, lastMillis = clock) {
      return as('sealOperator').submit('Seal:AnchorReadings', [
        sealId,
        JSON.stringify({
          batchId: `${sealId}-b-${from}`,
          fromCounter: from,
          toCounter: to,
          count: to - from + 1,
          merkleRoot: 'cd'.repeat(32),
          firstTime: new Date(lastMillis - MINUTE).toISOString(),
          lastTime: new Date(lastMillis).toISOString(),
        }),
      ]);
    },
    tap(sealId, tagUid, counter, controlPoint = 'LMC', who = 'hkCustoms') {
      return as(who).submit('Seal:RecordCheckpoint', [
        sealId,
        JSON.stringify({ controlPoint, tagUid, counter }),
      ]);
    },
    alarm(sealId, kind, who = 'sealOperator') {
      return as(who).submit('Seal:RecordAlarm', [sealId, kind, `${kind} reported`]);
    },
    async decide(sealId, controlPoint = 'LMC', who = 'hkCustoms') {
      const result = await as(who).submit('Crossing:Decide', [
        JSON.stringify({
          crossingId: `X-${sealId}-${++crossings}`,
          sealId,
          controlPoint,
          direction: 'NORTHBOUND',
        }),
      ]);
      return JSON.parse(result.result) as CrossingRecord;
    },
    outcome(crossingId, outcome, reason, who) {
      return as(who).submit('Crossing:RecordOutcome', [
        crossingId,
        JSON.stringify({ outcome, reason }),
      ]);
    },
    async get(id) {
      return JSON.parse(
        await as('gdCustoms').evaluate('Declaration:Get', [id]),
      ) as DeclarationRecord;
    },
    async getSeal(sealId) {
      return JSON.parse(await as('gdCustoms').evaluate('Seal:GetSeal', [sealId])) as SealRecord;
    },
    now: () => clock,
  };
  return border;
}
