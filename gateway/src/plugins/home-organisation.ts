/**
 * A gateway of one organisation (HOME_ORGANISATION): it holds only that organisation's
 * accounts and keys, so whoever belongs at another gateway is told so with WRONG_GATEWAY
 * before anything is queued: an officer of another organisation signing in, a trader
 * filing for the other customs service (HK exports at HK customs', GD imports at GD
 * customs'), seal readings at a gateway that does not anchor them (the e-lock operators'
 * does). Decided on the route the router matched, after the body passed its schema.
 */
import { JURISDICTIONS, type Jurisdiction } from '@clearance/domain';
import type { FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { ApiError } from '../errors';
import { FILING_AGENTS } from '../routes/declarations';

export interface HomeOrganisationOptions {
  /** The organisation key (`gdcustoms`, `hkcustoms`, `logistics`, ...). */
  organisation: string;
  /** Whether this gateway takes seal readings in (it anchors them: the e-lock operators'). */
  takesReadings: boolean;
}

/** The organisation whose gateway files declarations of `jurisdiction` (its filing agent's). */
export const filingOrganisation = (jurisdiction: Jurisdiction): string =>
  FILING_AGENTS[jurisdiction].split('/')[0] ?? '';

type Check = (request: FastifyRequest) => void;

// The parts of a body the checks read; the route's schema has checked the whole body already.
const OfficerSignIn = z.looseObject({ organisation: z.string() });
const Filing = z.looseObject({
  declaration: z.looseObject({ jurisdiction: z.enum(JURISDICTIONS) }),
});
const DualFiling = z.looseObject({ receivedIn: z.enum(JURISDICTIONS) });

function checks(home: HomeOrganisationOptions): Record<string, Check> {
  const officer: Check = (request) => {
    const { organisation } = OfficerSignIn.parse(request.body);
    if (organisation !== home.organisation)
      throw new ApiError(
        'WRONG_GATEWAY',
        `this is ${home.organisation}'s gateway: ${organisation} officers sign in at ${organisation}'s own gateway`,
      );
  };
  const filing: Check = (request) => {
    const { jurisdiction } = Filing.parse(request.body).declaration;
    const own = filingOrganisation(jurisdiction);
    if (own !== home.organisation)
      throw new ApiError(
        'WRONG_GATEWAY',
        `this is ${home.organisation}'s gateway: ${jurisdiction} declarations are filed at ${own}'s gateway`,
      );
  };
  const dualFiling: Check = (request) => {
    const { receivedIn } = DualFiling.parse(request.body);
    const own = filingOrganisation(receivedIn);
    if (own !== home.organisation)
      throw new ApiError(
        'WRONG_GATEWAY',
        `this is ${home.organisation}'s gateway: dual filings received in ${receivedIn} are filed at ${own}'s gateway`,
      );
  };
  const readings: Check = () => {
    if (!home.takesReadings)
      throw new ApiError(
        'WRONG_GATEWAY',
        `this is ${home.organisation}'s gateway: seal readings go to the e-lock operators' gateway, which anchors them`,
      );
  };
  return {
    'POST /v1/auth/officer': officer,
    'POST /v1/declarations': filing,
    'POST /v1/declarations/:declarationId/amendments': filing,
    'POST /v1/seals/readings': readings,
    'POST /v1/dual-declarations': dualFiling,
  };
}

export default fp<HomeOrganisationOptions>(
  async (app, options) => {
    const byRoute = checks(options);
    app.addHook('onRoute', (route: RouteOptions) => {
      const methods = [route.method].flat();
      const check = methods.map((m) => byRoute[`${m} ${route.url}`]).find(Boolean);
      if (!check) return;
      const own = route.preHandler === undefined ? [] : [route.preHandler].flat();
      route.preHandler = [async (request: FastifyRequest) => check(request), ...own];
    });
  },
  { name: 'home-organisation', dependencies: ['auth'] },
);
