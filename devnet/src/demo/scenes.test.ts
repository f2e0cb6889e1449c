/**
 * The demo's acts, run on the contracts' twin under the identities the demo signs in as:
 * each scene leaves its declaration in the state it names, on both sides, and a truck's
 * consignment ends where the crossing rules let it cross. (The allow table refuses an act
 * by the wrong officer, so a mistake in the plan fails here, not in front of a newcomer.)
 */
import { DeclarationContract, TrustListContract } from '@clearance/chaincode';
import type { DeclarationRecord, Jurisdiction } from '@clearance/domain';
import { invocations } from '@clearance/gateway';
import {
  createTestPki,
  listAuthority,
  MemoryLedger,
  OFFICERS,
  signFiling,
  type TestIdentity,
  type TestPki,
} from '@clearance/testkit/chaincode';
import { GOODS, demoFiling } from './goods';
import {
  SCENES,
  SCENE_STATES,
  crossingReadyActs,
  sceneActs,
  type DemoAct,
  type DemoOfficer,
} from './scenes';

const AS: Record<DemoOfficer, TestIdentity> = {
  'gdcustoms/officer1': OFFICERS.gdCustoms,
  'gdciq/inspector1': OFFICERS.gdCiq,
  'hkcustoms/officer1': OFFICERS.hkCustoms,
  'hkcustoms/lane-lmc': OFFICERS.hkLaneLmc,
};

let pki: TestPki;
let ledger: MemoryLedger;

beforeAll(async () => {
  pki = await createTestPki();
  ledger = new MemoryLedger([new DeclarationContract(), new TrustListContract()]);
  const gdAdmin = ledger.invokerFor(OFFICERS.gdTrustAdmin);
  const hkAdmin = ledger.invokerFor(OFFICERS.hkTrustAdmin);
  await listAuthority(gdAdmin, hkAdmin, pki.gd);
  await listAuthority(hkAdmin, gdAdmin, pki.hk);
}, 60_000);

async function play(id: string, j: Jurisdiction, acts: DemoAct[]): Promise<DeclarationRecord> {
  const filing = demoFiling(id, j, `UCR-TEST-${id}`, GOODS[1]!, 'ZM3100');
  const signed = await signFiling(filing, j === 'GD' ? pki.signers.gdTrader : pki.signers.hkTrader);
  await ledger
    .invokerFor(j === 'GD' ? OFFICERS.gdAgent : OFFICERS.hkAgent)
    .submit('Declaration:File', signed.args, signed.transient);
  for (const { by, act } of acts) {
    const call = invocations.officerAct(id, act);
    await ledger.invokerFor(AS[by]).submit(call.transaction, call.args);
  }
  return JSON.parse(
    await ledger.invokerFor(OFFICERS.gdCustoms).evaluate('Declaration:Get', [id]),
  ) as DeclarationRecord;
}

describe('the demo declarations', () => {
  test.each(SCENES.flatMap((scene) => (['GD', 'HK'] as const).map((j) => [scene, j] as const)))(
    '%s, %s: its acts leave it in that state',
    async (scene, j) => {
      const record = await play(`${j}-${scene.toUpperCase()}`, j, sceneActs(scene, j));
      expect({ state: record.state, onHold: record.hold !== null }).toEqual(SCENE_STATES[scene]);
    },
  );

  test('a truck consignment: the HK export released, the GD import release-eligible', async () => {
    expect((await play('HK-EX-TRUCK', 'HK', crossingReadyActs('HK'))).state).toBe('RELEASED');
    expect((await play('GD-IM-TRUCK', 'GD', crossingReadyActs('GD'))).state).toBe(
      'RELEASE_ELIGIBLE',
    );
  });
});
