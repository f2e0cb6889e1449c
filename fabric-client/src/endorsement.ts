/**
 * Endorsement by plan: the required organisations and enough others, asked at once; an
 * optional one that fails is replaced by another (an organisation fails when none of its
 * peers endorses). A coded refusal of the chaincode ends it at once (every peer would say
 * the same). Every endorsement must carry the same result bytes. No gRPC here: the call
 * is passed in.
 */
import * as grpc from '@grpc/grpc-js';
import type { peer } from '@hyperledger/fabric-protos';
import { parseLedgerError } from '@clearance/domain';
import { nextEndorsers, type EndorsementPlan } from './endorsement-plan';
import { isServiceError, type PeerAddress } from './endpoints';
import { EndorseError, LedgerUnavailableError, type PeerAnswer } from './errors';

/**
 * Endorses on the organisations of the plan: all the required ones and enough others;
 * an optional one that fails is replaced by another. Every endorsement must carry the
 * same result bytes.
 */
export async function endorseByPlan(input: {
  plan: EndorsementPlan;
  /** The peers to ask (not those named down). */
  peers: readonly PeerAddress[];
  /** Peers not asked (named down): their organisation fails if it has no other. */
  skipped?: readonly PeerAnswer[];
  /** The organisation asked first among the optional ones (the client's own). */
  homeMspId: string;
  transactionId: string;
  /** One ProcessProposal call; rejects when the call itself fails. */
  propose(address: PeerAddress, signal: AbortSignal): Promise<peer.ProposalResponse>;
}): Promise<peer.ProposalResponse[]> {
  const { plan, peers, homeMspId: home, transactionId } = input;
  const byOrg = new Map<string, PeerAddress[]>();
  for (const p of peers) byOrg.set(p.mspId, [...(byOrg.get(p.mspId) ?? []), p]);
  const preference = [home, ...[...byOrg.keys()].filter((o) => o !== home)];
  const known = [...byOrg.keys()];
  const progress = {
    endorsed: [] as string[],
    // Organisations without a known peer count as failed from the start.
    failed: plan.eligible.filter((o) => !known.includes(o)),
    pending: [] as string[],
  };
  const responses = new Map<string, peer.ProposalResponse>();
  const answers: PeerAnswer[] = [...(input.skipped ?? [])];
  // When the round ends, calls still out are cancelled (their answers no longer count).
  const ended = new AbortController();
  const inflight = new Map<string, Promise<void>>();
  let refused: EndorseError | undefined;

  const ask = async (org: string): Promise<void> => {
    for (const address of byOrg.get(org) ?? []) {
      let response: peer.ProposalResponse;
      try {
        response = await input.propose(address, ended.signal);
      } catch (error) {
        if (ended.signal.aborted) throw error;
        answers.push(transportAnswer(address, error));
        continue;
      }
      const status = response.getResponse()?.getStatus() ?? 0;
      if (status >= 200 && status < 400 && response.getEndorsement()) {
        responses.set(org, response);
        return;
      }
      const answer = { ...answerOf(address, response), transport: false };
      answers.push(answer);
      const error = refusal([answer], transactionId);
      // A coded refusal of the chaincode is the answer; asking others changes nothing.
      if (error.chaincodeError) refused ??= error;
      break;
    }
    throw new Error(`${org}: no endorsement`);
  };

  try {
    for (;;) {
      if (refused) throw refusal([...answers], transactionId);
      const next = nextEndorsers(plan, progress, preference);
      if (next.done) break;
      if ('impossible' in next) {
        const onlyTransport = answers.length > 0 && answers.every((a) => a.transport);
        const message = `endorsement of ${transactionId} impossible: ${next.impossible}`;
        if (onlyTransport)
          throw new LedgerUnavailableError(message, [...answers], {
            transactionId,
            stage: 'endorse',
          });
        throw new EndorseError(message, [...answers], { transactionId });
      }
      for (const org of next.ask) {
        progress.pending.push(org);
        inflight.set(
          org,
          ask(org)
            .then(
              () => {
                progress.endorsed.push(org);
              },
              () => {
                progress.failed.push(org);
              },
            )
            .finally(() => {
              progress.pending.splice(progress.pending.indexOf(org), 1);
              inflight.delete(org);
            }),
        );
      }
      if (inflight.size === 0) throw new Error('endorsement made no progress');
      await Promise.race(inflight.values());
    }
    const result = [...responses.values()];
    const first = Buffer.from(result[0]?.getPayload_asU8() ?? []);
    if (result.some((r) => !first.equals(r.getPayload_asU8()))) {
      throw new EndorseError(
        `endorsements of ${transactionId} differ (the peers' states or the chaincode disagree)`,
        answers,
        { transactionId, disagreement: true },
      );
    }
    return result;
  } finally {
    ended.abort();
  }
}

export function transportAnswer(address: PeerAddress, error: unknown): PeerAnswer {
  return {
    endpoint: address.endpoint,
    mspId: address.mspId,
    status: isServiceError(error) ? error.code : grpc.status.UNKNOWN,
    message: error instanceof Error ? error.message : String(error),
    transport: true,
  };
}

export function answerOf(
  address: PeerAddress,
  response: peer.ProposalResponse,
): Omit<PeerAnswer, 'transport'> {
  return {
    endpoint: address.endpoint,
    mspId: address.mspId,
    status: response.getResponse()?.getStatus() ?? 0,
    message: response.getResponse()?.getMessage() ?? '',
  };
}

/** A peer's refusal, with the chaincode's coded error when one of the answers carries it. */
export function refusal(
  answers: readonly PeerAnswer[],
  transactionId: string,
  stage: 'endorse' | 'read' = 'endorse',
): EndorseError {
  for (const a of answers) {
    if (a.transport) continue;
    const coded = parseLedgerError(a.message);
    if (coded)
      return new EndorseError(coded.message, answers, {
        transactionId,
        stage,
        chaincodeError: coded,
      });
  }
  return new EndorseError(
    `endorsement refused: ${answers.map((a) => `${a.endpoint} ${a.status} ${a.message}`).join('; ')}`,
    answers,
    { transactionId, stage },
  );
}
