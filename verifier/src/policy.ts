/**
 * Fabric policies, evaluated as the peers and orderers evaluate them: signature policies
 * (common/cauthdsl: rules matched greedily, each signer used once), implicit-meta policies
 * over a configuration group's sub-groups (common/policies), and application policies
 * (a signature policy, or a reference to a policy of the channel configuration).
 */
import {
  IMPLICIT_RULE,
  POLICY_TYPE,
  PRINCIPAL,
  ROLE_NAMES,
  decodeImplicitMetaPolicy,
  decodeMspRole,
  decodeSignaturePolicyEnvelope,
  type ApplicationPolicy,
  type ConfigGroup,
  type PolicyBytes,
  type SignaturePolicyEnvelope,
  type SignatureRule,
} from './fabric-messages';
import { satisfiesPrincipal, type MspManager, type ValidatedIdentity } from './msp';
import { verifyFabricSignature } from './crypto';

/** One signature over some data: who (a SerializedIdentity), what, and the signature. */
export interface SignedData {
  identity: Uint8Array;
  data: Uint8Array;
  signature: Uint8Array;
}

/**
 * The identities whose signatures verify, each once (policies.SignatureSetToValidIdentities):
 * an identity that cannot be read is left out, a repeated one counts once.
 */
export async function signersOf(
  manager: MspManager,
  signatures: readonly SignedData[],
): Promise<ValidatedIdentity[]> {
  const seen = new Set<string>();
  const out: ValidatedIdentity[] = [];
  for (const s of signatures) {
    const validated = await manager.identity(s.identity);
    const identity = validated.identity;
    if (!identity || validated.fault === 'UNKNOWN_MSP' || seen.has(identity.key)) continue;
    if ((await verifyFabricSignature(identity.certificate, s.data, s.signature)) !== 'VALID')
      continue;
    seen.add(identity.key);
    out.push(validated);
  }
  return out;
}

type Compiled = (signers: ValidatedIdentity[], used: boolean[]) => Promise<boolean>;

function compile(
  manager: MspManager,
  rule: SignatureRule,
  principals: SignaturePolicyEnvelope['identities'],
): Compiled {
  if ('signedBy' in rule) {
    const principal = principals[rule.signedBy];
    return async (signers, used) => {
      if (!principal) return false;
      for (let i = 0; i < signers.length; i++) {
        if (used[i]) continue;
        if (await satisfiesPrincipal(manager, signers[i] as ValidatedIdentity, principal)) {
          used[i] = true;
          return true;
        }
      }
      return false;
    };
  }
  const rules = rule.rules.map((r) => compile(manager, r, principals));
  return async (signers, used) => {
    let verified = 0;
    for (const sub of rules) {
      const trial = [...used];
      if (await sub(signers, trial)) {
        verified++;
        trial.forEach((u, i) => (used[i] = u));
      }
    }
    return verified >= rule.n;
  };
}

/** Whether the signers satisfy a signature policy envelope (version 0 only, as Fabric). */
export async function satisfiesSignaturePolicy(
  manager: MspManager,
  policy: SignaturePolicyEnvelope,
  signers: ValidatedIdentity[],
): Promise<boolean> {
  if (policy.version !== 0 || !policy.rule) return false;
  return compile(
    manager,
    policy.rule,
    policy.identities,
  )(
    signers,
    signers.map(() => false),
  );
}

/** Readable text of a signature policy: AND('A.peer', 'B.peer'), OR(...), OutOf(n, ...). */
export function signaturePolicyText(policy: SignaturePolicyEnvelope): string {
  const principal = (i: number): string => {
    const p = policy.identities[i];
    if (p?.classification === PRINCIPAL.ROLE) {
      const { mspId, role } = decodeMspRole(p.principal);
      return `'${mspId}.${ROLE_NAMES[role] ?? role}'`;
    }
    return `principal#${i}`;
  };
  const text = (rule: SignatureRule): string => {
    if ('signedBy' in rule) return principal(rule.signedBy);
    const parts = rule.rules.map(text).join(', ');
    if (rule.n === 1) return `OR(${parts})`;
    if (rule.n === rule.rules.length) return `AND(${parts})`;
    return `OutOf(${rule.n}, ${parts})`;
  };
  return policy.rule ? text(policy.rule) : '(empty)';
}

/** The MSP ids a signature policy names in role principals. */
export function policyOrganisations(policy: SignaturePolicyEnvelope): string[] {
  return [
    ...new Set(
      policy.identities
        .filter((p) => p.classification === PRINCIPAL.ROLE)
        .map((p) => decodeMspRole(p.principal).mspId),
    ),
  ];
}

/**
 * The policies of a channel configuration by path (/Channel/Application/Endorsement), each
 * evaluated against a set of signers; implicit-meta policies over the sub-groups.
 */
export class PolicyTree {
  constructor(
    private readonly root: ConfigGroup,
    private readonly manager: MspManager,
  ) {}

  /** The group at a path below /Channel (['Application', 'Org1']), if any. */
  group(path: readonly string[]): ConfigGroup | undefined {
    let group: ConfigGroup | undefined = this.root;
    for (const name of path) group = group?.groups.get(name);
    return group;
  }

  /** The policy at an absolute path ('/Channel/Orderer/BlockValidation'). */
  policyAt(path: string): { group: readonly string[]; policy: PolicyBytes } | undefined {
    const parts = path.split('/');
    if (parts[0] !== '' || parts[1] !== 'Channel' || parts.length < 3) return undefined;
    const groupPath = parts.slice(2, -1);
    const policy = this.group(groupPath)?.policies.get(parts[parts.length - 1] as string)?.policy;
    return policy && { group: groupPath, policy };
  }

  /** Evaluates the policy at an absolute path; a missing policy is never satisfied. */
  async satisfiedAt(path: string, signers: ValidatedIdentity[]): Promise<boolean> {
    const found = this.policyAt(path);
    return found ? this.satisfied(found.group, found.policy, signers) : false;
  }

  async satisfied(
    groupPath: readonly string[],
    policy: PolicyBytes,
    signers: ValidatedIdentity[],
  ): Promise<boolean> {
    try {
      if (policy.type === POLICY_TYPE.SIGNATURE)
        return await satisfiesSignaturePolicy(
          this.manager,
          decodeSignaturePolicyEnvelope(policy.value),
          signers,
        );
      if (policy.type === POLICY_TYPE.IMPLICIT_META) {
        const meta = decodeImplicitMetaPolicy(policy.value);
        const group = this.group(groupPath);
        const children = [...(group?.groups ?? new Map<string, ConfigGroup>()).entries()];
        const threshold =
          children.length === 0
            ? 0
            : meta.rule === IMPLICIT_RULE.ANY
              ? 1
              : meta.rule === IMPLICIT_RULE.ALL
                ? children.length
                : Math.floor(children.length / 2) + 1;
        let remaining = threshold;
        for (const [name, child] of children) {
          if (remaining === 0) break;
          const sub = child.policies.get(meta.subPolicy)?.policy;
          if (sub && (await this.satisfied([...groupPath, name], sub, signers))) remaining--;
        }
        return remaining === 0;
      }
    } catch {
      return false; // a policy that cannot be read is never satisfied
    }
    return false;
  }

  /** Readable text of the policy at a path, implicit-meta policies spelled out. */
  describe(path: string): string {
    const found = this.policyAt(path);
    if (!found) return `${path} (missing)`;
    return this.text(found.group, found.policy);
  }

  private text(groupPath: readonly string[], policy: PolicyBytes): string {
    try {
      if (policy.type === POLICY_TYPE.SIGNATURE)
        return signaturePolicyText(decodeSignaturePolicyEnvelope(policy.value));
      if (policy.type === POLICY_TYPE.IMPLICIT_META) {
        const meta = decodeImplicitMetaPolicy(policy.value);
        const rule = Object.entries(IMPLICIT_RULE).find(([, v]) => v === meta.rule)?.[0];
        const group = this.group(groupPath);
        const parts = [...(group?.groups ?? new Map<string, ConfigGroup>()).entries()].map(
          ([name, child]) => {
            const sub = child.policies.get(meta.subPolicy)?.policy;
            return sub ? this.text([...groupPath, name], sub) : `${name}/${meta.subPolicy}?`;
          },
        );
        return `${rule ?? meta.rule} ${meta.subPolicy} of [${parts.join('; ')}]`;
      }
    } catch {
      return '(unreadable policy)';
    }
    return `(policy type ${policy.type})`;
  }
}

/** Evaluates an application policy (chaincode, collection or key-level endorsement). */
export async function satisfiesApplicationPolicy(
  tree: PolicyTree,
  manager: MspManager,
  policy: ApplicationPolicy,
  signers: ValidatedIdentity[],
): Promise<boolean> {
  if ('signaturePolicy' in policy)
    return satisfiesSignaturePolicy(manager, policy.signaturePolicy, signers);
  return tree.satisfiedAt(policy.channelConfigPolicyReference, signers);
}

export function applicationPolicyText(tree: PolicyTree, policy: ApplicationPolicy): string {
  return 'signaturePolicy' in policy
    ? signaturePolicyText(policy.signaturePolicy)
    : `${policy.channelConfigPolicyReference} = ${tree.describe(policy.channelConfigPolicyReference)}`;
}
