/**
 * The portal checks answers at run time with the schemas of types.ts (the domain's and the
 * gateway's own) and its pages use the types of the gateway's OpenAPI document
 * (gateway/openapi/api.d.ts, generated from its routes by openapi-typescript). Here the
 * compiler checks that what a schema accepts is what the document declares, both ways: a
 * change on either side fails `npm run lint`.
 */
import type { z } from 'zod';
import type { components } from '../../../gateway/openapi/api';
import type * as Portal from './types';

type Api = components['schemas'];
/** Compiles only when `From` is assignable to `To`. */
type Accepts<To, From extends To> = [To, From];
/** Compiles only when the schema's output and the document's type are assignable both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
type Output<S extends z.ZodType> = z.infer<S>;

export type Conformance = [
  Holds<Same<Output<typeof Portal.Principal>, Api['Principal']>>,
  Holds<Same<Output<typeof Portal.OperationResponse>, { operation: Api['Operation'] }>>,
  Holds<
    Same<Output<typeof Portal.SealPage>, { items: Api['SealSummary'][]; nextCursor: string | null }>
  >,
  Holds<Same<Output<typeof Portal.Track>, Api['SealTrack']>>,
  Holds<Same<Output<typeof Portal.SignedIn>, Api['SignedIn']>>,
  Accepts<Portal.Summary, Api['DeclarationSummary']>,
  Accepts<Portal.HistoryEntry, Api['HistoryEntry']>,
  Accepts<Portal.CrossingSummary, Api['CrossingSummary']>,
];
