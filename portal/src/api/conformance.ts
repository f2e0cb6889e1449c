/**
 * The portal checks responses at run time with its own schemas (types.ts). Here the
 * compiler checks that what the gateway declares (gateway/openapi/api.d.ts, generated from
 * its routes by openapi-typescript) is what those schemas accept: a change on either side
 * fails `npm run lint`. What the portal sends is typed from the same file (types.ts).
 */
import type { components } from '../../../gateway/openapi/api';
import type * as Portal from './types';

type Api = components['schemas'];
/** Compiles only when `From` is assignable to `To`. */
type Accepts<To, From extends To> = [To, From];

export type Conformance = [
  Accepts<Portal.Principal, Api['Principal']>,
  Accepts<Portal.Operation, Api['Operation']>,
  Accepts<Portal.Summary, Api['DeclarationSummary']>,
  Accepts<Portal.HistoryEntry, Api['HistoryEntry']>,
  Accepts<Portal.SealSummary, Api['SealSummary']>,
  Accepts<Portal.Track, Api['SealTrack']>,
  Accepts<Portal.CrossingSummary, Api['CrossingSummary']>,
];
