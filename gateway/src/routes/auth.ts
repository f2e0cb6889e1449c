/**
 * Sign-in. Officers: organisation, username, password; they then act under their own
 * Fabric identity. Traders: a detached CMS signature over a fresh challenge with their
 * e-signature certificate, verified against the trust list on the ledger.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccountStore } from '../auth/accounts';
import { createSignInGuard } from '../auth/attempts';
import { Principal } from '../auth/principal';
import type { SessionStore } from '../auth/sessions';
import { ApiError } from '../errors';
import { Challenge, ErrorBody, SignedIn } from '../http/schemas';
import { requirePrincipal, sessionSetCookie } from '../plugins/auth';
import type { SignatureCheck } from '../trust-anchors';

const OfficerSignIn = z
  .object({
    organisation: z.enum(['gdcustoms', 'gdciq', 'hkcustoms', 'hkcfs', 'logistics', 'mocustoms']),
    username: z.string().regex(/^[a-z0-9-]{1,32}$/),
    password: z.string().min(1).max(256),
  })
  .strict();
const failures = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 422: ErrorBody, 429: ErrorBody };
/**
 * Sign-in is where passwords are guessed: a tighter limit than the API's, per client
 * address (the global key), and for officers wrong passwords counted per address and
 * account, per address and per account (auth/attempts.ts) so that nobody can lock an
 * officer out from elsewhere.
 */
const signInLimit = { rateLimit: { max: 20, timeWindow: '1 minute' } };

const authRoutes: FastifyPluginAsync<{
  accounts: AccountStore;
  sessions: SessionStore;
  checkSignature: SignatureCheck;
}> = async (instance, { accounts, sessions, checkSignature }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();

  async function signedIn(reply: FastifyReply, principal: Principal) {
    const { token, expiresAt } = await sessions.create(principal);
    void reply.header(
      'set-cookie',
      sessionSetCookie(token, expiresAt, reply.request.protocol === 'https'),
    );
    return { token, expiresAt: expiresAt.toISOString(), principal };
  }

  const guard = createSignInGuard();

  app.post(
    '/v1/auth/officer',
    {
      config: { public: true, ...signInLimit },
      schema: {
        tags: ['auth'],
        summary: 'Officer sign-in',
        body: OfficerSignIn,
        response: { 200: SignedIn, ...failures },
      },
    },
    async (request, reply) => {
      const { organisation, username, password } = request.body;
      const account = `${organisation}/${username}`;
      if (!guard.allowed(account, request.ip))
        throw new ApiError(
          'RATE_LIMITED',
          'Too many wrong passwords from here; wait a few minutes.',
        );
      const principal = await accounts.signIn(organisation, username, password);
      if (!principal) {
        guard.failed(account, request.ip);
        throw new ApiError('UNAUTHENTICATED', 'Wrong organisation, username or password.');
      }
      guard.succeeded(account, request.ip);
      return signedIn(reply, principal);
    },
  );

  app.post(
    '/v1/auth/challenge',
    {
      config: { public: true, ...signInLimit },
      schema: {
        tags: ['auth'],
        summary: 'A challenge for a trader to sign',
        response: {
          201: Challenge,
          429: ErrorBody,
        },
      },
    },
    async (_request, reply) => {
      const { challengeId, challenge, expiresAt } = await sessions.newChallenge();
      return reply.status(201).send({
        challengeId,
        challenge: challenge.toString('base64'),
        expiresAt: expiresAt.toISOString(),
      });
    },
  );

  app.post(
    '/v1/auth/trader',
    {
      config: { public: true, ...signInLimit },
      schema: {
        tags: ['auth'],
        summary: 'Trader sign-in with an e-signature certificate',
        description:
          'signature: base64 of a detached CMS SignedData over the raw challenge bytes, with the signer certificate included.',
        body: z
          .object({
            challengeId: z.uuid(),
            signature: z.base64().max(64 * 1024),
          })
          .strict(),
        response: { 200: SignedIn, ...failures },
      },
    },
    async (request, reply) => {
      const challenge = await sessions.takeChallenge(request.body.challengeId);
      if (!challenge)
        throw new ApiError('UNAUTHENTICATED', 'The challenge is unknown, used or expired.');
      // A signature or certificate the check refuses: its ledger code (the error handler).
      const evidence = await checkSignature(
        challenge,
        Buffer.from(request.body.signature, 'base64'),
        request.ip,
      );
      return signedIn(reply, {
        kind: 'trader',
        id: evidence.signerId,
        subject: evidence.signerSubject,
        issuer: evidence.issuer,
        jurisdiction: evidence.jurisdiction,
        authorityId: evidence.authorityId,
      });
    },
  );

  app.post(
    '/v1/auth/sign-out',
    {
      config: { lane: true },
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        response: { 204: z.null(), 401: ErrorBody },
      },
    },
    async (request, reply) => {
      if (request.sessionToken) await sessions.revoke(request.sessionToken);
      void reply.header('set-cookie', sessionSetCookie('', new Date(0), false));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/me',
    {
      config: { lane: true },
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in',
        response: { 200: Principal, 401: ErrorBody },
      },
    },
    async (request) => requirePrincipal(request),
  );
};

export default authRoutes;
