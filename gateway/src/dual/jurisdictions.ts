import { JURISDICTIONS, type Jurisdiction } from '@clearance/domain';
import { filingOrganisation } from '../plugins/home-organisation';

/**
 * The jurisdictions whose declarations this gateway's filing agents file: its own
 * organisation's (HOME_ORGANISATION), or both on a gateway serving every organisation.
 */
export function filedJurisdictions(organisation: string | undefined): Jurisdiction[] {
  return JURISDICTIONS.filter((j) => !organisation || filingOrganisation(j) === organisation);
}
