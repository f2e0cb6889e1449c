/**
 * The chaincode's transactions as typed methods over the Ledger interface: names built
 * from the contracts' exported names (method names checked against the contract classes
 * by the compiler), arguments typed, results parsed with the domain's schemas. Routes and
 * services call this instead of spelling `Contract:Transaction` strings.
 *
 * Acts that run later as durable operations are described by `invocations` (name, string
 * arguments, transient data: what an operation row stores and the runner replays).
 */
import type {
  CrossingContract,
  DeclarationContract,
  SealContract,
  SelfCheckContract,
  TrustListContract,
} from '@clearance/chaincode';
import {
  CROSSING_CONTRACT,
  CrossingRecordSchema,
  type CrossingInput,
  type OutcomeInput,
  DECLARATION_CONTRACT,
  SEAL_CONTRACT,
  SELF_CHECK_CONTRACT,
  TRUST_LIST_CONTRACT,
  ActiveSealSchema,
  type AnchorInputSchema,
  AnchorRecordSchema,
  AuthorityRecordSchema,
  DeclarationRecordSchema,
  HistoryEntrySchema,
  SubmissionRecordSchema,
  SealRecordSchema,
  SelfCheckRecordSchema,
  TrustProposalRecordSchema,
  type ProposalStatus,
  type TrustChange,
  type InspectionResult,
  type OfficerAction,
  type RiskLevel,
  type CommercialShareInput,
} from '@clearance/domain';
import { z } from 'zod';
import { ApiError } from '../errors';
import type { Committed, Ledger } from './ledger';

/** Methods of a contract class that are transactions (Contract's own hooks excluded). */
type TransactionOf<C> = Exclude<
  {
    [K in keyof C]: C[K] extends (...args: never[]) => Promise<string> ? K : never;
  }[keyof C] &
    string,
  'beforeTransaction' | 'afterTransaction' | 'unknownTransaction' | 'createContext'
>;

/**
 * `Contract:Method` names for the methods listed (each checked against the contract class):
 * the list is written once, its entries become the keys.
 */
function transactions<C>(contract: string) {
  return <const M extends readonly TransactionOf<C>[]>(
    methods: M,
  ): { readonly [K in M[number]]: string } =>
    // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- Object.fromEntries is typed with string keys; these are exactly `methods`
    Object.fromEntries(methods.map((m) => [m, `${contract}:${m}`])) as {
      readonly [K in M[number]]: string;
    };
}

/** Every transaction the gateway calls, by contract. */
export const TRANSACTIONS = {
  SelfCheck: transactions<SelfCheckContract>(SELF_CHECK_CONTRACT)(['Record', 'Get']),
  Declaration: transactions<DeclarationContract>(DECLARATION_CONTRACT)([
    'File',
    'Amend',
    'Accept',
    'Reject',
    'AssessRisk',
    'MarkReleaseEligible',
    'OrderInspection',
    'RecordInspection',
    'Release',
    'Close',
    'Hold',
    'Unhold',
    'ShareCommercial',
    'Get',
    'GetHistory',
    'FileDual',
    'AmendDual',
    'FileHalf',
    'GetSubmission',
    'PendingHalves',
    'OpenHalves',
    'SettleHalves',
    'SettleableHalves',
    'HandedOverValues',
  ]),
  TrustList: transactions<TrustListContract>(TRUST_LIST_CONTRACT)([
    'ProposeTrustChange',
    'ApproveTrustChange',
    'RejectTrustChange',
    'WithdrawTrustChange',
    'UpdateRevocationList',
    'GetAuthority',
    'ListAuthorities',
    'GetTrustChange',
    'ListTrustChanges',
  ]),
  Seal: transactions<SealContract>(SEAL_CONTRACT)([
    'RecordAlarm',
    'AnchorReadings',
    'RecordCheckpoint',
    'GetSeal',
    'GetSealByTag',
    'GetActiveSeal',
    'GetAnchors',
  ]),
  Crossing: transactions<CrossingContract>(CROSSING_CONTRACT)([
    'Decide',
    'RecordOutcome',
    'GetCrossing',
  ]),
} as const;

/** A transaction to run later: what an operation stores (name, arguments, transient data). */
export interface Invocation {
  transaction: string;
  args: string[];
  transient: Record<string, string>;
}

/** The officer acts on a declaration, as the API names them. */
export type OfficerAct =
  | { action: Exclude<OfficerAction, 'ASSESS_RISK' | 'RECORD_INSPECTION'>; reason: string }
  | { action: 'ASSESS_RISK'; level: RiskLevel; score: number; reason: string }
  | { action: 'RECORD_INSPECTION'; result: InspectionResult; findings: string };

const D = TRANSACTIONS.Declaration;
const ACT_TRANSACTION: Record<OfficerAct['action'], string> = {
  ACCEPT: D.Accept,
  REJECT: D.Reject,
  ASSESS_RISK: D.AssessRisk,
  MARK_RELEASE_ELIGIBLE: D.MarkReleaseEligible,
  ORDER_INSPECTION: D.OrderInspection,
  RECORD_INSPECTION: D.RecordInspection,
  RELEASE: D.Release,
  CLOSE: D.Close,
  HOLD: D.Hold,
  UNHOLD: D.Unhold,
};

function actArgs(id: string, act: OfficerAct): string[] {
  switch (act.action) {
    case 'ASSESS_RISK':
      return [id, act.level, String(act.score), act.reason];
    case 'RECORD_INSPECTION':
      return [id, act.result, act.findings];
    default:
      return [id, act.reason];
  }
}

/** Invocations of the acts that go through durable operations. */
export const invocations = {
  /** A filing or an amendment; commercial values travel as transient (private) data. */
  filing(kind: 'FILE' | 'AMEND', declaration: unknown, signature: string, commercial: unknown) {
    return {
      transaction: kind === 'FILE' ? D.File : D.Amend,
      args: [JSON.stringify(declaration), signature],
      transient: { commercial: JSON.stringify(commercial) },
    } satisfies Invocation;
  },
  /** Shares a declaration's commercial values with the other side (a recorded act). */
  shareCommercial(declarationId: string, share: CommercialShareInput): Invocation {
    return {
      transaction: D.ShareCommercial,
      args: [declarationId, JSON.stringify(share)],
      transient: {},
    };
  },

  /** A dual filing or its amendment where it was received; that side's values as transient. */
  dualFiling(
    kind: 'FILE' | 'AMEND',
    receivedIn: string,
    submission: unknown,
    signature: string,
    commercial: unknown,
    /** The other side's values, handed over to its node through the ledger (FileHalf). */
    commercialOther: unknown,
  ): Invocation {
    return {
      transaction: kind === 'FILE' ? D.FileDual : D.AmendDual,
      args: [receivedIn, JSON.stringify(submission), signature],
      transient: {
        commercial: JSON.stringify(commercial),
        commercialOther: JSON.stringify(commercialOther),
      },
    };
  },
  officerAct(declarationId: string, act: OfficerAct): Invocation {
    return {
      transaction: ACT_TRANSACTION[act.action],
      args: actArgs(declarationId, act),
      transient: {},
    };
  },
  proposeTrustChange(change: TrustChange): Invocation {
    return {
      transaction: TRANSACTIONS.TrustList.ProposeTrustChange,
      args: [JSON.stringify(change)],
      transient: {},
    };
  },
  /** Approve, reject or withdraw a proposal. */
  decideTrustChange(
    decision: 'APPROVE' | 'REJECT' | 'WITHDRAW',
    proposalId: string,
    reason: string,
  ): Invocation {
    const T = TRANSACTIONS.TrustList;
    const transaction = {
      APPROVE: T.ApproveTrustChange,
      REJECT: T.RejectTrustChange,
      WITHDRAW: T.WithdrawTrustChange,
    }[decision];
    return { transaction, args: [proposalId, reason], transient: {} };
  },
  /** Self-checks, checkpoint taps and crossings: acts whose answer carries the outcome. */
  recordSelfCheck(checkId: string, note: string): Invocation {
    return { transaction: TRANSACTIONS.SelfCheck.Record, args: [checkId, note], transient: {} };
  },
  recordCheckpoint(
    sealId: string,
    check: { controlPoint: string; tagUid: string; counter: number },
  ): Invocation {
    return {
      transaction: TRANSACTIONS.Seal.RecordCheckpoint,
      args: [sealId, JSON.stringify(check)],
      transient: {},
    };
  },
  decideCrossing(input: CrossingInput): Invocation {
    return {
      transaction: TRANSACTIONS.Crossing.Decide,
      args: [JSON.stringify(input)],
      transient: {},
    };
  },
  recordCrossingOutcome(crossingId: string, outcome: OutcomeInput): Invocation {
    return {
      transaction: TRANSACTIONS.Crossing.RecordOutcome,
      args: [crossingId, JSON.stringify(outcome)],
      transient: {},
    };
  },
  updateRevocationList(authorityId: string, crlPem: string): Invocation {
    return {
      transaction: TRANSACTIONS.TrustList.UpdateRevocationList,
      args: [authorityId, crlPem],
      transient: {},
    };
  },
};

/** A ledger result that does not have the shape the domain defines: the gateway's fault. */
function parseResult<S extends z.ZodType>(
  schema: S,
  transaction: string,
  json: string,
): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ApiError('INTERNAL', `${transaction} returned something that is not JSON`, {
      cause: error,
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new ApiError('INTERNAL', `${transaction} returned an unexpected shape`, {
      cause: parsed.error,
    });
  return parsed.data;
}

/** A batch of readings to anchor, as the domain defines it. */
export type AnchorBatch = z.input<typeof AnchorInputSchema>;

export type ContractClient = ReturnType<typeof createContractClient>;

/** The contracts as typed methods, acting with `ledger`'s identity. */
export function createContractClient(ledger: Ledger) {
  const evaluate = async <S extends z.ZodType>(schema: S, tx: string, args: string[]) =>
    parseResult(schema, tx, await ledger.evaluate(tx, args));
  const submit = async <S extends z.ZodType>(
    schema: S,
    tx: string,
    args: string[],
  ): Promise<{ committed: Committed; result: z.infer<S> }> => {
    const committed = await ledger.submit(tx, args);
    return { committed, result: parseResult(schema, tx, committed.result) };
  };
  /** An act the durable operations also run, submitted here at once (no queue at hand). */
  const submitAct = <S extends z.ZodType>(schema: S, act: Invocation) =>
    submit(schema, act.transaction, act.args);
  const S = TRANSACTIONS.Seal;
  return {
    selfCheck: {
      record: (checkId: string, note: string) =>
        submitAct(SelfCheckRecordSchema, invocations.recordSelfCheck(checkId, note)),
      get: (checkId: string) =>
        evaluate(SelfCheckRecordSchema, TRANSACTIONS.SelfCheck.Get, [checkId]),
    },
    declaration: {
      get: (declarationId: string) => evaluate(DeclarationRecordSchema, D.Get, [declarationId]),
      history: (declarationId: string) =>
        evaluate(z.array(HistoryEntrySchema), D.GetHistory, [declarationId]),
      submission: (receivedIn: string, submissionId: string) =>
        evaluate(SubmissionRecordSchema, D.GetSubmission, [receivedIn, submissionId]),
    },
    trustList: {
      list: () =>
        evaluate(z.array(AuthorityRecordSchema), TRANSACTIONS.TrustList.ListAuthorities, []),
      get: (authorityId: string) =>
        evaluate(AuthorityRecordSchema, TRANSACTIONS.TrustList.GetAuthority, [authorityId]),
      proposal: (proposalId: string) =>
        evaluate(TrustProposalRecordSchema, TRANSACTIONS.TrustList.GetTrustChange, [proposalId]),
      /** Proposals, oldest first; with `status`, only those. */
      proposals: (status?: ProposalStatus) =>
        evaluate(z.array(TrustProposalRecordSchema), TRANSACTIONS.TrustList.ListTrustChanges, [
          status ?? '',
        ]),
    },
    seal: {
      get: (sealId: string) => evaluate(SealRecordSchema, S.GetSeal, [sealId]),
      byTag: (tagUid: string) =>
        evaluate(
          z.looseObject({ tagUid: z.string(), deviceId: z.string(), sealId: z.string() }),
          S.GetSealByTag,
          [tagUid],
        ),
      activeSeal: (deviceId: string) => evaluate(ActiveSealSchema, S.GetActiveSeal, [deviceId]),
      anchors: (sealId: string) => evaluate(z.array(AnchorRecordSchema), S.GetAnchors, [sealId]),
      /** The seal as recorded with the alarm. */
      recordAlarm: (sealId: string, kind: string, detail: string) =>
        submit(SealRecordSchema, S.RecordAlarm, [sealId, kind, detail]),
      anchorReadings: (sealId: string, batch: AnchorBatch) =>
        submit(SealRecordSchema, S.AnchorReadings, [sealId, JSON.stringify(batch)]),
      recordCheckpoint: (
        sealId: string,
        check: { controlPoint: string; tagUid: string; counter: number },
      ) => submitAct(SealRecordSchema, invocations.recordCheckpoint(sealId, check)),
    },
    crossing: {
      decide: (input: CrossingInput) =>
        submitAct(CrossingRecordSchema, invocations.decideCrossing(input)),
      recordOutcome: (crossingId: string, outcome: OutcomeInput) =>
        submitAct(CrossingRecordSchema, invocations.recordCrossingOutcome(crossingId, outcome)),
      get: (crossingId: string) =>
        evaluate(CrossingRecordSchema, TRANSACTIONS.Crossing.GetCrossing, [crossingId]),
    },
  };
}
