/**
 * Every finer reason a refusal may carry beside its code (LedgerError's `reason`), in one
 * list: the gateway passes it on as `error.reason` and documents this list in the OpenAPI.
 */
import { CERTIFICATE_REASONS, SIGNATURE_REASONS } from '../esign/reasons';

/** Refusals of seal and crossing acts, beside their codes. */
export const SEAL_REASONS = {
  /** INVALID_ARGUMENT: the control point is not one of the allow table's. */
  UNKNOWN_CONTROL_POINT: 'UNKNOWN_CONTROL_POINT',
  /** INVALID_ARGUMENT: the control point is not on the seal's route. */
  NOT_ON_ROUTE: 'NOT_ON_ROUTE',
  /** FORBIDDEN: the control point belongs to the other side's jurisdiction. */
  CONTROL_POINT_OF_OTHER_SIDE: 'CONTROL_POINT_OF_OTHER_SIDE',
  /** REPLAYED: a crossing already used the seal's last tap. */
  TAP_ALREADY_USED: 'TAP_ALREADY_USED',
} as const;

/** Refusals of the food-animal acts (livestock/rules.ts), beside their codes. */
export const LIVESTOCK_REASONS = {
  /** NOT_FOUND: no farm of that registration number. */
  FARM_NOT_REGISTERED: 'FARM_NOT_REGISTERED',
  /** INVALID_STATE: the farm is suspended (or recalled). */
  FARM_SUSPENDED: 'FARM_SUSPENDED',
  /** INVALID_ARGUMENT: the farm is not registered for the certificate's species. */
  SPECIES_NOT_REGISTERED: 'SPECIES_NOT_REGISTERED',
  /** FORBIDDEN: the certificate is signed by neither the farm's vet nor a certifying officer. */
  NOT_AUTHORISED_CERTIFIER: 'NOT_AUTHORISED_CERTIFIER',
  /** INVALID_ARGUMENT: a residue test on the certificate is positive. */
  RESIDUE_POSITIVE: 'RESIDUE_POSITIVE',
  /** ALREADY_EXISTS: an ear tag is on another consignment's certificate already. */
  EAR_TAG_IN_USE: 'EAR_TAG_IN_USE',
  /** INVALID_STATE: the seal is not applied or does not cover the consignment's declaration. */
  SEAL_NOT_COVERING: 'SEAL_NOT_COVERING',
  /** INVALID_STATE: the consignment is held by a recall. */
  CONSIGNMENT_HELD: 'CONSIGNMENT_HELD',
  /** INVALID_STATE: receipt at a slaughterhouse without an accepted arrival check. */
  ARRIVAL_NOT_ACCEPTED: 'ARRIVAL_NOT_ACCEPTED',
  /** INVALID_ARGUMENT: a slaughterhouse finding names an ear tag not on the certificate. */
  EAR_TAG_NOT_ON_CERTIFICATE: 'EAR_TAG_NOT_ON_CERTIFICATE',
  /** INVALID_ARGUMENT: received at another slaughterhouse than the certificate names. */
  WRONG_SLAUGHTERHOUSE: 'WRONG_SLAUGHTERHOUSE',
} as const;

/** FORBIDDEN: the act was proposed to a namespace it does not belong to (namespaces.ts). */
export const NAMESPACE_REASONS = { WRONG_NAMESPACE: 'WRONG_NAMESPACE' } as const;

/**
 * CERTIFICATE_REJECTED: the signer's authority is not recognised for declarations to that
 * jurisdiction (trust list `recognisedFor`); a dual filing names the side refused.
 */
export const DUAL_REASONS = {
  NOT_RECOGNISED_FOR_GD: 'NOT_RECOGNISED_FOR_GD',
  NOT_RECOGNISED_FOR_HK: 'NOT_RECOGNISED_FOR_HK',
} as const;

export const REFUSAL_REASONS = [
  ...Object.values(SIGNATURE_REASONS),
  ...Object.values(CERTIFICATE_REASONS),
  ...Object.values(SEAL_REASONS),
  ...Object.values(NAMESPACE_REASONS),
  ...Object.values(LIVESTOCK_REASONS),
  ...Object.values(DUAL_REASONS),
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export function isRefusalReason(value: unknown): value is RefusalReason {
  return REFUSAL_REASONS.some((r) => r === value);
}
