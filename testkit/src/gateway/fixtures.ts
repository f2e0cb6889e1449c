import type { OfficerPrincipal } from '@clearance/gateway';

/** The /metrics bearer token test gateways are given. */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789';
/** The header that reads a test gateway's /metrics. */
export const TEST_METRICS_HEADERS = { authorization: `Bearer ${TEST_METRICS_TOKEN}` };

/** A GD customs officer as signed in: what tests of signed-in routes act as. */
export const TEST_OFFICER: OfficerPrincipal = {
  kind: 'officer',
  id: 'gdcustoms/officer1',
  organisation: 'gdcustoms',
  mspId: 'GDCustomsMSP',
  name: 'officer1',
  role: 'customs-officer',
};
