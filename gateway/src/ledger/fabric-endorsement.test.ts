/** Endorsement by plan against scripted peers: who is asked, routing around failures, refusals. */
import { describe, expect, it } from '@jest/globals';
import * as grpc from '@grpc/grpc-js';
import { peer } from '@hyperledger/fabric-protos';
import type { EndorsementPlan } from '@clearance/chaincode/domain';
import { endorseByPlan } from './fabric-endorsement';
import type { PeerAddress } from './fabric-endpoints';

/**
 * Plans as a MAJORITY policy over four organisations makes them (3 of 4, some required):
 * what is tested here is how a round follows a plan; the namespaces' own plans are tested
 * in the chaincode's domain (endorsement-plan.test.ts).
 */
const FOUR = ['GDCustomsMSP', 'GDCIQMSP', 'HKCustomsMSP', 'LogisticsMSP'];
function endorsementPlan(transaction: string): EndorsementPlan {
  if (transaction === 'TrustList:ApproveTrustChange')
    return { required: ['GDCustomsMSP', 'HKCustomsMSP'], total: 3, eligible: FOUR };
  if (transaction === 'Declaration:File')
    return { required: [], total: 3, eligible: ['GDCustomsMSP', 'GDCIQMSP', 'HKCustomsMSP'] };
  return { required: [], total: 3, eligible: FOUR };
}

const peers: PeerAddress[] = ['GDCustomsMSP', 'GDCIQMSP', 'HKCustomsMSP', 'LogisticsMSP'].map(
  (mspId, i) => ({
    mspId,
    endpoint: `127.0.0.1:${7051 + i * 1000}`,
    hostAlias: mspId,
    tlsRootCert: '',
  }),
);

function endorsed(payload = 'same'): peer.ProposalResponse {
  const r = new peer.Response();
  r.setStatus(200);
  const e = new peer.Endorsement();
  e.setEndorser(Buffer.from('x'));
  const pr = new peer.ProposalResponse();
  pr.setResponse(r);
  pr.setPayload(Buffer.from(payload));
  pr.setEndorsement(e);
  return pr;
}

function refused(message: string): peer.ProposalResponse {
  const r = new peer.Response();
  r.setStatus(500);
  r.setMessage(message);
  const pr = new peer.ProposalResponse();
  pr.setResponse(r);
  return pr;
}

const unavailable = () =>
  Object.assign(new Error('14 UNAVAILABLE: connect ECONNREFUSED'), {
    code: grpc.status.UNAVAILABLE,
  });

type Script = Partial<Record<string, () => peer.ProposalResponse>>;

async function run(transaction: string, script: Script) {
  const asked: string[] = [];
  const result = endorseByPlan({
    plan: endorsementPlan(transaction),
    peers,
    homeMspId: 'GDCustomsMSP',
    transactionId: 'tx1',
    propose: async (address) => {
      asked.push(address.mspId);
      const answer = script[address.mspId];
      if (!answer) throw unavailable();
      return answer();
    },
  });
  return { result, asked };
}

const all: Script = {
  GDCustomsMSP: () => endorsed(),
  GDCIQMSP: () => endorsed(),
  HKCustomsMSP: () => endorsed(),
  LogisticsMSP: () => endorsed(),
};

describe('endorseByPlan', () => {
  it('asks the home organisation first and stops at 3 of 4', async () => {
    const { result, asked } = await run('SelfCheck:Record', all);
    await expect(result).resolves.toHaveLength(3);
    expect(asked).toEqual(['GDCustomsMSP', 'GDCIQMSP', 'HKCustomsMSP']);
  });

  it('replaces a dead optional peer by another', async () => {
    const { result, asked } = await run('SelfCheck:Record', { ...all, GDCIQMSP: undefined });
    await expect(result).resolves.toHaveLength(3);
    expect(asked).toEqual(['GDCustomsMSP', 'GDCIQMSP', 'HKCustomsMSP', 'LogisticsMSP']);
  });

  it('is unavailable when a required peer is dead', async () => {
    const { result } = await run('TrustList:ApproveTrustChange', {
      ...all,
      HKCustomsMSP: undefined,
    });
    await expect(result).rejects.toMatchObject({
      name: 'LedgerUnavailableError',
      transactionId: 'tx1',
      answers: [
        expect.objectContaining({
          mspId: 'HKCustomsMSP',
          status: grpc.status.UNAVAILABLE,
          transport: true,
        }),
      ],
    });
  });

  it("ends with the chaincode's coded refusal", async () => {
    const coded = JSON.stringify({ code: 'INVALID_STATE', message: 'declaration D is CLOSED' });
    const { result } = await run('Declaration:Accept', {
      ...all,
      GDCustomsMSP: () => refused(coded),
    });
    await expect(result).rejects.toMatchObject({
      name: 'EndorseError',
      chaincodeError: { code: 'INVALID_STATE', message: 'declaration D is CLOSED' },
      answers: expect.arrayContaining([
        expect.objectContaining({ endpoint: '127.0.0.1:7051', status: 500 }),
      ]),
    });
  });

  it('cancels the calls still out when a coded refusal ends the round', async () => {
    const coded = JSON.stringify({ code: 'FORBIDDEN', message: 'not yours' });
    const cancelled: string[] = [];
    const result = endorseByPlan({
      plan: endorsementPlan('SelfCheck:Record'),
      peers,
      homeMspId: 'GDCustomsMSP',
      transactionId: 'tx2',
      propose: (address, signal) =>
        address.mspId === 'GDCustomsMSP'
          ? Promise.resolve(refused(coded))
          : new Promise((_, reject) =>
              signal.addEventListener('abort', () => {
                cancelled.push(address.mspId);
                reject(new Error('cancelled'));
              }),
            ),
    });
    await expect(result).rejects.toMatchObject({ chaincodeError: { code: 'FORBIDDEN' } });
    expect(cancelled.sort()).toEqual(['GDCIQMSP', 'HKCustomsMSP']);
  });

  it('refuses endorsements whose results differ', async () => {
    const { result } = await run('SelfCheck:Record', {
      ...all,
      HKCustomsMSP: () => endorsed('other'),
    });
    await expect(result).rejects.toMatchObject({
      name: 'EndorseError',
      message: expect.stringContaining('differ'),
    });
  });

  it('keeps a private-data write off organisations outside the collection', async () => {
    const { result, asked } = await run('Declaration:File', { ...all, GDCIQMSP: undefined });
    await expect(result).rejects.toMatchObject({ name: 'LedgerUnavailableError' });
    expect(asked).not.toContain('LogisticsMSP');
  });

  /** A peer named down (a hung one: every call would wait out its deadline) is not asked. */
  const skippedPeer = (mspId: string) => {
    const address = peers.find((p) => p.mspId === mspId) as PeerAddress;
    return {
      up: peers.filter((p) => p !== address),
      skipped: [
        {
          endpoint: address.endpoint,
          mspId,
          status: grpc.status.UNAVAILABLE,
          message: 'named down, not asked',
          transport: true,
          skipped: true,
        },
      ],
    };
  };

  it('asks another organisation in place of one whose peer is named down', async () => {
    const { up, skipped } = skippedPeer('GDCustomsMSP');
    const asked: string[] = [];
    const result = await endorseByPlan({
      plan: endorsementPlan('SelfCheck:Record'),
      peers: up,
      skipped,
      homeMspId: 'GDCustomsMSP',
      transactionId: 'tx1',
      propose: async (address) => {
        asked.push(address.mspId);
        return endorsed();
      },
    });
    expect(result).toHaveLength(3);
    expect(asked.sort()).toEqual(['GDCIQMSP', 'HKCustomsMSP', 'LogisticsMSP']);
  });

  it('is unavailable at once, asking nobody in vain, when a required peer is named down', async () => {
    const { up, skipped } = skippedPeer('HKCustomsMSP');
    const asked: string[] = [];
    const result = endorseByPlan({
      plan: endorsementPlan('Declaration:File'),
      peers: up,
      skipped,
      homeMspId: 'GDCustomsMSP',
      transactionId: 'tx1',
      propose: async (address) => {
        asked.push(address.mspId);
        return endorsed();
      },
    });
    await expect(result).rejects.toMatchObject({
      name: 'LedgerUnavailableError',
      answers: [expect.objectContaining({ mspId: 'HKCustomsMSP', skipped: true })],
    });
    expect(asked).toEqual([]);
  });
});
