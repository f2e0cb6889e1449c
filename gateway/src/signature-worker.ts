/**
 * A worker thread's task (piscina): one detached-signature check. Errors cross the thread
 * boundary as data, so the coded LedgerError comes back as it was thrown.
 */
import {
  LedgerError,
  verifyDetachedSignature,
  type VerifiedSignature,
  type TrustAnchor,
} from '@clearance/domain';

export interface SignatureTask {
  content: Uint8Array;
  cms: Uint8Array;
  anchors: readonly TrustAnchor[];
  /** ISO time of the check. */
  at: string;
}

export type SignatureOutcome =
  | { ok: true; evidence: VerifiedSignature }
  | { ok: false; code: LedgerError['code']; detail: string; reason?: string };

export default async function checkSignature(task: SignatureTask): Promise<SignatureOutcome> {
  try {
    const evidence = await verifyDetachedSignature(
      task.content,
      task.cms,
      task.anchors,
      new Date(task.at),
    );
    return { ok: true, evidence };
  } catch (error) {
    if (error instanceof LedgerError)
      return {
        ok: false,
        code: error.code,
        detail: error.detail,
        ...(error.reason ? { reason: error.reason } : {}),
      };
    throw error;
  }
}
