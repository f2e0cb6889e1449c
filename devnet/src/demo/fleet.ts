/**
 * The demo's trucks on the road: each consignment filed by the demo traders and cleared by
 * officers through the gateway, its e-lock registered, accredited and applied by the e-lock
 * operator and both customs services (on the ledger, under their own identities: the
 * gateway has no routes for that), then driven by the fleet simulator, whose signed
 * readings go to the gateway's readings route like a device's. At Lok Ma Chau the lane
 * device taps the seal's tag and asks for GO or INSPECT; at its destination customs remove
 * the seal and the truck sets off with a new consignment. Runs until stopped.
 */
import {
  diversifyTagKey,
  createSunMessage,
  sunUrl,
  type SignedReading,
} from '@clearance/domain/node';
import { simulateTrip, type Fault } from '@clearance/seal-devices/fleet';
import { requestDecision } from '@clearance/seal-devices/lane';
import { ledgerRefusal, type Ledger } from '@clearance/gateway';
import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { DemoError, type GatewayClient } from './client';
import { GOODS } from './goods';
import { crossingReadyActs } from './scenes';
import { LANE, READING_INTERVAL_S, SPEED_KMH, routeOf, type TruckPlan } from './trips';
import type { DemoWorld } from './world';

interface Trip {
  plan: TruckPlan;
  trip: number;
  deviceId: string;
  sealId: string;
  key: KeyObject;
  tagUid: Buffer;
  tagCounter: number;
  declarationIds: string[];
  readings: SignedReading[];
  posted: number;
  /** Set while customs remove the seal at the destination and the next trip is prepared. */
  arriving?: boolean;
}

/**
 * Submits, again for a few seconds while the endorsing peers have not all committed what
 * it builds on (a submit waits for its own peer's commit only), or after an MVCC conflict
 * (the seal record also changes as its readings are anchored; nothing was written).
 */
async function submitSoon(ledger: Ledger, transaction: string, args: string[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await ledger.submit(transaction, args);
      return;
    } catch (error) {
      const code = ledgerRefusal(error);
      const again = code === 'INVALID_STATE' || code === 'NOT_FOUND' || code === 'CONFLICT';
      if (attempt >= 40 || !again) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export class Fleet {
  private stopped = false;
  private readonly trips = new Map<string, Trip>();

  /** `onSeals` hears the seals on the road whenever they change (to clear them next time). */
  constructor(
    private readonly world: DemoWorld,
    private readonly onSeals: (sealIds: string[]) => void = () => undefined,
  ) {}

  /**
   * Customs remove the seals of trucks an earlier run left on the road (stopped with it), so
   * that the monitor shows the trucks that drive. Resolves with how many it removed.
   */
  async clearEarlier(sealIds: readonly string[]): Promise<number> {
    const removed = await Promise.all(
      sealIds.map((id) =>
        submitSoon(this.world.ledgers.gdOfficer, 'Seal:RemoveSeal', [
          id,
          'the demo truck stopped',
        ]).then(
          () => true,
          (error: unknown) => {
            // Removed already, or never applied: nothing to clear.
            const code = ledgerRefusal(error);
            if (code === 'INVALID_STATE' || code === 'NOT_FOUND') return false;
            throw error;
          },
        ),
      ),
    );
    return removed.filter(Boolean).length;
  }

  private get gateway(): GatewayClient {
    return this.world.gateway;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Files and clears each truck's consignment (HK export released, GD import eligible). */
  private async consignment(plan: TruckPlan, trip: number): Promise<string[]> {
    const tag = `${this.world.runTag}-${plan.name}${trip > 1 ? `-${trip}` : ''}`;
    const ref = `UCR-${tag}`;
    const goods = GOODS[(plan.name.charCodeAt(1) + trip) % GOODS.length] ?? GOODS[0]!;
    const conveyance = `${plan.name === 'T5' ? 'ZD' : 'ZM'}${4000 + trip * 10 + Number(plan.name.slice(1))}`;
    const ids: string[] = [];
    for (const jurisdiction of ['HK', 'GD'] as const) {
      const id = `${jurisdiction === 'HK' ? 'HK-EX' : 'GD-IM'}-${tag}`;
      await this.world.file(id, jurisdiction, ref, goods, conveyance);
      await this.world.acts(id, crossingReadyActs(jurisdiction));
      ids.push(id);
    }
    return ids;
  }

  /** Registers, accredits and applies the trucks' seals, each step for all at once. */
  private async seal(trips: Trip[]): Promise<void> {
    const { operator, gdOfficer, hkOfficer } = this.world.ledgers;
    await Promise.all(
      trips.map((t) =>
        submitSoon(operator, 'Seal:RegisterDevice', [
          JSON.stringify({
            deviceId: t.deviceId,
            model: 'GPS-ELOCK-7',
            publicKeyPem: createPublicKey(t.key).export({ type: 'spki', format: 'pem' }).toString(),
            tagUid: t.tagUid.toString('hex'),
          }),
        ]),
      ),
    );
    for (const officer of [gdOfficer, hkOfficer])
      await Promise.all(trips.map((t) => submitSoon(officer, 'Seal:AccreditDevice', [t.deviceId])));
    await Promise.all(
      trips.map((t) =>
        submitSoon(operator, 'Seal:ApplySeal', [
          JSON.stringify({
            sealId: t.sealId,
            deviceId: t.deviceId,
            conveyance: `TRUCK ${t.plan.name}`,
            routeId: t.plan.routeId,
            declarationIds: t.declarationIds,
          }),
        ]),
      ),
    );
  }

  private newTrip(plan: TruckPlan, trip: number, declarationIds: string[]): Trip {
    const tag = `${this.world.runTag}-${plan.name}${trip > 1 ? `-${trip}` : ''}`;
    return {
      plan,
      trip,
      deviceId: `EL-${tag}`,
      sealId: `SEAL-${tag}`,
      key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
      tagUid: Buffer.concat([Buffer.from([0x04]), randomBytes(6)]),
      tagCounter: 0,
      declarationIds,
      readings: [],
      posted: 0,
    };
  }

  private drive(t: Trip, departure: Date, faults: Fault[]): void {
    t.readings = simulateTrip({
      deviceId: t.deviceId,
      privateKey: t.key,
      route: routeOf(t.plan.routeId),
      departure,
      intervalS: READING_INTERVAL_S,
      speedKmh: SPEED_KMH,
      faults,
    });
    t.posted = 0;
    this.trips.set(t.plan.name, t);
    this.onSeals([...this.trips.values()].map((trip) => trip.sealId));
  }

  /**
   * Seals the planned trucks (their consignments cleared first) and sets them driving,
   * placed as `placed` says; resolves once every truck's readings so far are stored.
   */
  async start(
    plans: readonly TruckPlan[],
    placed: (plan: TruckPlan, t0: number) => { departure: Date; faults: Fault[] },
  ): Promise<string[]> {
    const trips = await Promise.all(
      plans.map(async (plan) => this.newTrip(plan, 1, await this.consignment(plan, 1))),
    );
    await this.seal(trips);
    const t0 = Date.now();
    for (const t of trips) {
      const { departure, faults } = placed(t.plan, t0);
      this.drive(t, departure, faults);
    }
    await Promise.all(trips.map((t) => this.post(t)));
    return trips.map((t) => t.sealId);
  }

  /** Every second: each truck posts the readings now due; runs until stop(). */
  async run(): Promise<void> {
    while (!this.stopped) {
      await Promise.all(
        [...this.trips.values()].map((t) =>
          this.post(t).catch((error: unknown) =>
            this.world.log(`${t.plan.name}: ${(error as Error).message}`),
          ),
        ),
      );
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** Posts the readings that are due (as a device: again until stored), then what follows. */
  private async post(t: Trip): Promise<void> {
    if (t.posted === t.readings.length) {
      // At the destination: in the background, so that the other trucks drive on meanwhile.
      if (!t.arriving && !this.stopped) {
        t.arriving = true;
        void this.arrived(t).catch((error: unknown) => {
          // Tried again at the next tick, with ids of its own (a consignment half filed stays).
          t.arriving = false;
          t.trip += 1;
          this.world.log(`${t.plan.name} at its destination: ${(error as Error).message}`);
        });
      }
      return;
    }
    const now = Date.now();
    let end = t.posted;
    while (end < t.readings.length && Date.parse(t.readings[end]!.reading.time) <= now) end++;
    if (end === t.posted) return;
    const batch = t.readings.slice(t.posted, end);
    for (let attempt = 1; ; attempt++) {
      const answer = await this.gateway
        .request('POST', '/v1/seals/readings', { body: { readings: batch } })
        .catch(() => undefined);
      const rejected = (answer?.body as { rejected?: { reason: string }[] } | undefined)?.rejected;
      // UNKNOWN_DEVICE: the gateway's peer has not the seal yet; nothing was stored.
      if (answer?.status === 202 && !rejected?.some((r) => r.reason === 'UNKNOWN_DEVICE')) break;
      if (this.stopped || attempt >= 30)
        throw new DemoError('READINGS_NOT_STORED', `readings of ${t.sealId} not stored`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    t.posted = end;
    for (const { reading } of batch) {
      if (reading.event === 'TAMPER')
        this.world.log(`${t.plan.name} (${t.sealId}): the lock reports TAMPER`);
      if (reading.event === 'GEOFENCE_ENTER' && reading.controlPoint === LANE)
        void this.cross(t).catch((error: unknown) =>
          this.world.log(`${t.plan.name} at ${LANE}: ${(error as Error).message}`),
        );
    }
  }

  /** The lane device at Lok Ma Chau: taps the seal's tag, then asks for the decision. */
  private async cross(t: Trip): Promise<void> {
    const { token, tagKeys } = this.world.lane();
    t.tagCounter += 1;
    const message = createSunMessage(
      { metaKey: tagKeys.metaKey, fileKey: diversifyTagKey(tagKeys.masterKey, t.tagUid) },
      t.tagUid,
      t.tagCounter,
    );
    const url = sunUrl('https://seal.clearance.example/t', message);
    const recorded = (await this.gateway.expect(
      this.gateway.request('POST', '/v1/seals/checks', {
        token,
        body: { controlPoint: LANE, url, reader: 'demo lane LMC' },
      }),
      [201],
      `tap of ${t.sealId}`,
    )) as { sealId: string; counter: number };
    const answer = await requestDecision(
      fetch,
      {
        checksUrl: `${this.gateway.base}/v1/seals/checks`,
        token,
        controlPoint: LANE,
        direction: 'NORTHBOUND',
      },
      recorded,
    );
    const crossing = (answer.body as { crossing?: { decision: string; reasons: string[] } })
      ?.crossing;
    if (!crossing)
      throw new DemoError(
        'NO_DECISION',
        `decision: ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    this.world.log(
      `${t.plan.name} at Lok Ma Chau (${t.sealId}): ${crossing.decision}${crossing.reasons.length ? ` (${crossing.reasons.join(', ')})` : ''}`,
    );
  }

  /** At the destination: customs remove the seal; the truck sets off with a new consignment. */
  private async arrived(t: Trip): Promise<void> {
    await submitSoon(this.world.ledgers.gdOfficer, 'Seal:RemoveSeal', [
      t.sealId,
      `arrived: ${t.plan.routeId}`,
    ]).catch((error: unknown) => {
      // Removed already (an attempt whose answer was lost): go on to the next trip.
      if (ledgerRefusal(error) !== 'INVALID_STATE') throw error;
    });
    if (this.stopped) return;
    const next = this.newTrip(t.plan, t.trip + 1, await this.consignment(t.plan, t.trip + 1));
    await this.seal([next]);
    this.drive(next, new Date(), []);
    this.world.log(`${t.plan.name} arrived; its seal removed; it sets off again as ${next.sealId}`);
  }
}
