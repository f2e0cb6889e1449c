/**
 * A worker thread's task (piscina): one batch of readings' device signatures, checked in
 * order (signatures.ts). Each thread keeps its own parsed keys.
 */
import {
  checkReadingsInOrder,
  keyCache,
  type ReadingToCheck,
  type ReadingVerdict,
} from './signatures';

export interface ReadingsTask {
  items: ReadingToCheck[];
  badLimit: number;
}

const keyOf = keyCache();

export default function checkReadings(task: ReadingsTask): ReadingVerdict[] {
  return checkReadingsInOrder(task.items, task.badLimit, keyOf);
}
