/**
 * The declarations the demo brings to life, as data: for each side (GD import, HK export)
 * one declaration in each state of the life cycle, and the acts (who, what) that take it
 * there; and the acts that take a truck's consignment to where it may cross. Pure: the
 * demo runs the acts through the gateway; a unit test runs them on the contracts' twin.
 */
import type { Jurisdiction, OfficerAct } from '@clearance/domain';

/** A devnet account that signs in with a password (`<org>/<name>`). */
export type DemoOfficer =
  'gdcustoms/officer1' | 'gdciq/inspector1' | 'hkcustoms/officer1' | 'hkcustoms/lane-lmc';

export interface DemoAct {
  by: DemoOfficer;
  act: OfficerAct;
}

/** Where a scene leaves its declaration: a life-cycle state, or held. */
export type SceneName =
  'filed' | 'accepted' | 'inspection-ordered' | 'jointly-inspected' | 'released' | 'held';

const customs = (j: Jurisdiction): DemoOfficer =>
  j === 'GD' ? 'gdcustoms/officer1' : 'hkcustoms/officer1';
/** The agencies that sign a joint act (inspection, release): GD customs and CIQ; HK customs. */
const jointly = (j: Jurisdiction): DemoOfficer[] =>
  j === 'GD' ? ['gdcustoms/officer1', 'gdciq/inspector1'] : ['hkcustoms/officer1'];

const accept = (j: Jurisdiction): DemoAct => ({
  by: customs(j),
  act: { action: 'ACCEPT', reason: 'documents complete' },
});
const risk = (j: Jurisdiction, level: 'LOW' | 'HIGH'): DemoAct => ({
  by: customs(j),
  act: {
    action: 'ASSESS_RISK',
    level,
    score: level === 'LOW' ? 12 : 78,
    reason: level === 'LOW' ? 'known trader, routine goods' : 'new consignee, mixed cargo',
  },
});
const eligible = (j: Jurisdiction): DemoAct => ({
  by: customs(j),
  act: { action: 'MARK_RELEASE_ELIGIBLE', reason: '' },
});
const releaseByAll = (j: Jurisdiction): DemoAct[] =>
  jointly(j).map((by) => ({ by, act: { action: 'RELEASE', reason: '' } }));

/** The acts that leave a declaration of jurisdiction `j` in the scene's state. */
export function sceneActs(scene: SceneName, j: Jurisdiction): DemoAct[] {
  const ordered = [
    accept(j),
    risk(j, 'HIGH'),
    {
      by: customs(j),
      act: { action: 'ORDER_INSPECTION', reason: 'selected for joint inspection' },
    },
  ] satisfies DemoAct[];
  switch (scene) {
    case 'filed':
      return [];
    case 'accepted':
      return [accept(j)];
    case 'inspection-ordered':
      return ordered;
    case 'jointly-inspected':
      return [
        ...ordered,
        ...jointly(j).map((by) => ({
          by,
          act: {
            action: 'RECORD_INSPECTION' as const,
            result: 'COMPLIANT' as const,
            findings: 'seals intact, goods as declared',
          },
        })),
      ];
    case 'released':
      return [accept(j), risk(j, 'LOW'), eligible(j), ...releaseByAll(j)];
    case 'held':
      return [
        accept(j),
        { by: customs(j), act: { action: 'HOLD', reason: 'documents to be verified' } },
      ];
  }
}

/** The state a scene ends in, as the index and the portal show it (held: on hold). */
export const SCENE_STATES: Record<SceneName, { state: string; onHold: boolean }> = {
  filed: { state: 'SUBMITTED', onHold: false },
  accepted: { state: 'ACCEPTED', onHold: false },
  'inspection-ordered': { state: 'INSPECTION_ORDERED', onHold: false },
  'jointly-inspected': { state: 'INSPECTED', onHold: false },
  released: { state: 'RELEASED', onHold: false },
  held: { state: 'ACCEPTED', onHold: true },
};

export const SCENES = Object.keys(SCENE_STATES) as SceneName[];

/**
 * A truck's consignment, ready to cross northbound: the HK export released, the GD import
 * release-eligible (the crossing rules: exports RELEASED, imports RELEASED or
 * RELEASE_ELIGIBLE).
 */
export function crossingReadyActs(j: Jurisdiction): DemoAct[] {
  return j === 'HK'
    ? [accept(j), risk(j, 'LOW'), eligible(j), ...releaseByAll(j)]
    : [accept(j), risk(j, 'LOW'), eligible(j)];
}
