import { describe, expect, it } from '@jest/globals';
import { factsOf } from './facts';
import type { EndorserAction } from './ledger';

const TX = 'tx-release-1';
const act = (mspId: string) => ({
  action: 'RELEASE',
  actor: { mspId, id: `x509::${mspId}` },
  reason: '',
  at: '2026-12-06T10:00:00.000Z',
  txId: TX,
});

/** A release transaction writing a GD declaration's record in `namespace`. */
function releaseIn(namespace: string): EndorserAction {
  const record = {
    declarationId: 'GD-1',
    consignmentRef: 'C-1',
    jurisdiction: 'GD',
    state: 'RELEASED',
    releases: { GDCustomsMSP: act('GDCustomsMSP'), GDCIQMSP: act('GDCIQMSP') },
    lastAct: act('GDCIQMSP'),
  };
  const empty = new Uint8Array();
  return {
    actionHeader: empty,
    chaincodeProposalPayload: empty,
    proposalResponsePayloadBytes: empty,
    proposalHash: empty,
    endorsements: [],
    chaincodeAction: { results: empty, response: { status: 200, message: '', payload: empty } },
    chaincode: namespace,
    invocation: { chaincode: namespace, args: [] },
    writes: [
      {
        namespace,
        writes: [
          {
            key: '\u0000declaration\u0000GD-1\u0000',
            isDelete: false,
            value: new TextEncoder().encode(JSON.stringify(record)),
          },
        ],
        metadataWrites: [],
        collections: [],
      },
    ],
  };
}

const subject = (namespace: string) => [
  { id: TX, action: releaseIn(namespace), creatorMsp: 'GDCIQMSP', time: new Date() },
];

describe('release facts on a network of one definition per jurisdiction', () => {
  it("reads a GD release from GD's own namespace", () => {
    expect(factsOf('release', subject('clearance-gd'), 'clearance')).toMatchObject({
      ok: true,
      facts: { kind: 'release', declarations: [{ declarationId: 'GD-1', state: 'RELEASED' }] },
    });
  });

  it("refuses a GD declaration written in HK's namespace (endorsed under HK's policy)", () => {
    expect(factsOf('release', subject('clearance-hk'), 'clearance')).toMatchObject({
      ok: false,
      reason: 'NOT_A_RELEASE',
      detail: expect.stringContaining('clearance-hk'),
    });
  });

  it('reads a release the joint definition wrote (a network of one definition)', () => {
    expect(factsOf('release', subject('clearance'), 'clearance')).toMatchObject({ ok: true });
  });

  it('reads nothing from a namespace outside the network', () => {
    expect(factsOf('release', subject('elsewhere'), 'clearance')).toMatchObject({
      ok: false,
      reason: 'NOT_A_RELEASE',
    });
  });
});
