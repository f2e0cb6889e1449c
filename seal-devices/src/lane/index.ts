/**
 * What a lane device does once a tap is recorded: ask the ledger for GO or INSPECT, with an
 * Idempotency-Key derived from the tap (the NFC agent's `--decide`, and the demo's lane).
 */
export {
  DIRECTIONS,
  decisionKey,
  isRecordedTap,
  parseDirection,
  requestDecision,
} from '../nfc/decide';
export type { DecisionAnswer, Direction, RecordedTap } from '../nfc/decide';
