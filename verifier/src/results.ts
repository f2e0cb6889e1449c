/** The checks' results as the verifier collects them, and the report made of them. */
import type { Facts, TrustRoot } from './bundle';
import { CHECKS, type CheckId, type CheckResult, type Reason } from './report';

export interface VerificationReport {
  valid: boolean;
  checks: CheckResult[];
  /** The facts, once every check is VALID. */
  facts?: Facts;
  /** The first check that is not VALID, in the order of CHECKS. */
  failed?: CheckResult;
  trustRoot?: TrustRoot;
}

export class Results {
  readonly list: CheckResult[] = [];
  valid(check: CheckId, target: string, detail?: string) {
    this.list.push({ check, target, status: 'VALID', ...(detail ? { detail } : {}) });
  }
  invalid(check: CheckId, target: string, reason: Reason, detail?: string) {
    this.list.push({ check, target, status: 'INVALID', reason, ...(detail ? { detail } : {}) });
  }
  skipped(check: CheckId, target: string, reason: Reason, detail?: string) {
    this.list.push({ check, target, status: 'SKIPPED', reason, ...(detail ? { detail } : {}) });
  }
}

export function report(results: Results, facts?: Facts, trustRoot?: TrustRoot): VerificationReport {
  const checks = results.list;
  const order = (c: CheckResult) => CHECKS.indexOf(c.check);
  const failed = [...checks].sort((a, b) => order(a) - order(b)).find((c) => c.status !== 'VALID');
  const valid = checks.length > 0 && !failed;
  return {
    valid,
    checks,
    ...(valid && facts ? { facts } : {}),
    ...(failed ? { failed } : {}),
    ...(trustRoot ? { trustRoot } : {}),
  };
}
