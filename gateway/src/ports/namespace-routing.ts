/**
 * Which chaincode definition (namespace) a transaction goes to: filings by their
 * jurisdiction, a declaration's acts and reads to the namespace that holds it, joint acts
 * to the joint one (the chaincode's domain/namespaces.ts, routeOf). A declaration's
 * jurisdiction never changes, so where it lives is looked up once and kept.
 */
import { JURISDICTION_NAMESPACES, routeOf, type Namespace } from '@clearance/domain';
import { ledgerRefusal } from './ledger';

/** Evaluates a transaction in one namespace (rejects as the Ledger port does). */
export type EvaluateIn = (
  namespace: Namespace,
  transaction: string,
  args: string[],
) => Promise<string>;

/** At most this many declaration → namespace entries are kept (oldest dropped first). */
const KEPT = 10_000;

export function createNamespaceRouter(mspId: string, evaluateIn: EvaluateIn) {
  const located = new Map<string, Namespace>();

  async function locate(id: string): Promise<Namespace> {
    const known = located.get(id);
    if (known) return known;
    for (const namespace of Object.values(JURISDICTION_NAMESPACES)) {
      try {
        await evaluateIn(namespace, 'Declaration:Get', [id]);
      } catch (error) {
        if (ledgerRefusal(error) === 'NOT_FOUND') continue;
        throw error;
      }
      const oldest = located.keys().next();
      if (located.size >= KEPT && !oldest.done) located.delete(oldest.value);
      located.set(id, namespace);
      return namespace;
    }
    // Nowhere yet: GD's namespace answers NOT_FOUND (nothing is kept).
    return JURISDICTION_NAMESPACES.GD;
  }

  return {
    /** The namespace to propose `transaction` to. */
    async namespaceFor(transaction: string, args: readonly string[]): Promise<Namespace> {
      const route = routeOf(transaction, args, mspId);
      if (route.kind === 'namespace') return route.namespace;
      if (route.kind === 'declaration') return locate(route.id);
      if (route.kind === 'first-found') return route.namespaces[0] ?? JURISDICTION_NAMESPACES.GD;
      return JURISDICTION_NAMESPACES.GD;
    },
    /** Evaluates a read, across both jurisdictions where it is answered per jurisdiction. */
    async evaluate(transaction: string, args: string[]): Promise<string> {
      const route = routeOf(transaction, args, mspId);
      if (route.kind === 'first-found') {
        let missing: unknown;
        for (const namespace of route.namespaces) {
          try {
            return await evaluateIn(namespace, transaction, args);
          } catch (error) {
            if (ledgerRefusal(error) !== 'NOT_FOUND') throw error;
            missing = error;
          }
        }
        throw missing;
      }
      if (route.kind !== 'every-jurisdiction')
        return evaluateIn(await this.namespaceFor(transaction, args), transaction, args);
      const rows: unknown[] = [];
      for (const namespace of Object.values(JURISDICTION_NAMESPACES)) {
        const parsed: unknown = JSON.parse(await evaluateIn(namespace, transaction, args));
        if (Array.isArray(parsed)) rows.push(...parsed);
      }
      return JSON.stringify(rows);
    },
  };
}
