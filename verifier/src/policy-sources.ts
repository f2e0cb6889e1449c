/** What a bundle's source transactions say was in force before each transaction. */
import { toHex } from '@clearance/core';
import type { Bundle } from './bundle';
import type { Located } from './located';
import { VALIDATION_PARAMETER, type PolicySources, type Position } from './endorsement-policy';
import { blockOrder } from './ledger';

/**
 * What the sources say: each must be a transaction of the bundle that wrote what it is cited
 * for; a later transaction sees the last such write before it.
 */
export function policySources(bundle: Bundle, located: Located[]): PolicySources {
  const byId = new Map(located.map((l) => [l.ref.id, l]));
  interface Entry {
    position: Position;
    value?: Uint8Array;
    parameter?: Uint8Array | null;
  }
  const entries = new Map<string, Entry[]>();
  const keyOf = (kind: string, ns: string, coll: string, key: string) =>
    JSON.stringify([kind, ns, coll, key]);
  for (const s of bundle.sources) {
    const source = byId.get(s.transaction);
    if (!source) continue;
    const ns = source.action.writes.find((w) => w.namespace === s.namespace);
    const coll = s.collection ?? '';
    let entry: Entry | undefined;
    if (s.kind === 'value' && coll === '') {
      const write = ns?.writes.find((w) => w.key === s.key && !w.isDelete);
      if (write) entry = { position: source.position, value: write.value };
    } else if (s.kind === 'key-policy') {
      const collection = ns?.collections.find((c) => c.collection === coll);
      const metadata =
        coll === ''
          ? ns?.metadataWrites.find((w) => w.key === s.key)?.entries
          : collection?.metadataWrites.find((w) => toHex(w.keyHash) === s.key)?.entries;
      const deleted =
        coll === ''
          ? ns?.writes.some((w) => w.key === s.key && w.isDelete)
          : collection?.writes.some((w) => toHex(w.keyHash) === s.key && w.isDelete);
      if (metadata)
        entry = {
          position: source.position,
          parameter: metadata.find((e) => e.name === VALIDATION_PARAMETER)?.value ?? null,
        };
      else if (deleted) entry = { position: source.position, parameter: null };
    }
    if (!entry) continue; // a source that wrote nothing of the kind proves nothing
    const k = keyOf(s.kind, s.namespace, coll, s.key);
    entries.set(k, [...(entries.get(k) ?? []), entry]);
  }
  const latest = (k: string, before: Position) =>
    (entries.get(k) ?? [])
      .filter((e) => blockOrder(e.position, before) < 0)
      .sort((a, b) => blockOrder(a.position, b.position))
      .pop();
  return {
    value(namespace, key, before) {
      return latest(keyOf('value', namespace, '', key), before)?.value;
    },
    keyPolicy(namespace, collection, key, before) {
      const found = latest(keyOf('key-policy', namespace, collection, key), before);
      if (!found) return undefined;
      return {
        parameter: found.parameter ?? null,
        sameBlock: found.position.block === before.block && found.parameter !== null,
      };
    },
  };
}
