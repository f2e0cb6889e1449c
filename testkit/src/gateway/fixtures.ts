import type { OfficerPrincipal } from '@clearance/gateway';

/** A GD customs officer as signed in: what tests of signed-in routes act as. */
export const TEST_OFFICER: OfficerPrincipal = {
  kind: 'officer',
  id: 'gdcustoms/officer1',
  organisation: 'gdcustoms',
  mspId: 'GDCustomsMSP',
  name: 'officer1',
  role: 'customs-officer',
};
