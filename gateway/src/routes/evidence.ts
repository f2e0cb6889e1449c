/**
 * Evidence of releases and crossing decisions, and capability links to it.
 *
 * - Those allowed to see a declaration (the trader who filed it; officers of the agencies
 *   that release it) get its release bundle, built from this gateway's own peer; likewise a
 *   crossing decision's (officers of the customs services; a trader whose declaration it
 *   covers).
 * - They may make links for a released declaration: a token of 256 random bits, shown once
 *   and kept only as its SHA-256, revocable by whoever made it. Anyone holding a live token
 *   gets the bundle and nothing else (`POST /v1/evidence/shared`, no account, rate-limited);
 *   the token travels in the body, never in a URL, so no access log or Referer keeps it.
 * - The trust root this gateway's operators publish, for the verify page's first visit
 *   (someone who relies on bundles pins their own; see docs/evidence-bundle.md).
 *
 * A bundle states only public facts: the declaration's id, consignment, agencies and
 * release times (or the crossing's decision), and channel data; commercial values are
 * private data and never in a block.
 */
import { jointAgencies, type DeclarationRecord } from '@clearance/domain';
import {
  AttestationSchema,
  BundleSchema,
  EvidenceError,
  type Attester,
  TrustRootSchema,
  type Bundle,
  type BundleBuilder,
  type TrustRoot,
} from '@clearance/verifier';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { z } from 'zod';
import { newToken, sha256Hex } from '../auth/secrets';
import { ApiError } from '../errors';
import { ErrorBody, errorResponses } from '../http/schemas';
import { BoundedCache } from '../limits/bounded-cache';
import { isSealOperator, requirePrincipal } from '../plugins/auth';
import { signedBy } from '../seals/queries';

export interface EvidenceOptions {
  /** Builds bundles from this gateway's own peer, with the attesters the trust root names. */
  builder: BundleBuilder;
  /** What this gateway's operators publish as the channel's trust root. */
  trustRoot: TrustRoot;
  /** This organisation's statement signer: with it, other gateways may ask for its statements. */
  attester?: Attester;
}

/**
 * What another gateway asks this organisation to state (bounded: each transaction is read).
 * The claims travel as base64 of their JSON: ledger keys hold NUL separators, which the
 * API's text rule refuses anywhere else in a request.
 */
const Claims = BundleSchema.pick({ facts: true, transactions: true, sources: true }).extend({
  transactions: BundleSchema.shape.transactions.max(32),
  sources: BundleSchema.shape.sources.max(128),
});
const ClaimsRequest = z
  .object({
    claims: z
      .base64()
      .max(256 * 1024)
      .meta({ description: 'Base64 of the claims as JSON: {facts, transactions, sources}' }),
  })
  .strict();

function claimsOf(base64: string): z.infer<typeof Claims> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    throw new ApiError('VALIDATION_FAILED', 'claims: not base64 of JSON');
  }
  const claims = Claims.safeParse(json);
  if (!claims.success)
    throw new ApiError('VALIDATION_FAILED', `claims: ${claims.error.issues[0]?.message}`);
  return claims.data;
}
/** The attestation route's allowance per client address. */
export const ATTEST_RATE_LIMIT = { max: 60, timeWindow: '1 minute' };

/** Live links one creator may hold for one declaration. */
export const MAX_LIVE_LINKS = 20;
/** A link token: 32 random bytes, base64url (newToken). */
export const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** How long a built bundle is served again (a release does not change; configuration may). */
const BUNDLE_TTL_MS = 5 * 60_000;
/** Reads of the history while the peer catches up with a release (see releaseBundle). */
const HISTORY_ATTEMPTS = 5;
/** The public route's allowance per client address. */
export const SHARED_RATE_LIMIT = { max: 30, timeWindow: '1 minute' };

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DeclarationId = z.object({ declarationId: z.string().regex(ID) });
const CrossingId = z.object({ crossingId: z.string().regex(ID) });
const LinkId = z.object({ linkId: z.uuid() });

const Link = z
  .object({
    linkId: z.uuid(),
    declarationId: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'EvidenceLink' });
const CreatedLink = Link.extend({
  token: z.string().meta({
    description:
      'The capability: shown this once, kept only as its SHA-256. The verify page takes it ' +
      'after `#` (/verify#TOKEN), which browsers never send to a server.',
  }),
}).meta({ id: 'CreatedEvidenceLink' });
const Bundle = BundleSchema.meta({
  id: 'EvidenceBundle',
  description: 'An evidence bundle, format version 1 (docs/evidence-bundle.md)',
});

interface LinkRow {
  link_id: string;
  declaration_id: string;
  created_at: Date;
  revoked_at: Date | null;
}
const linkOf = (row: LinkRow): z.infer<typeof Link> => ({
  linkId: row.link_id,
  declarationId: row.declaration_id,
  createdAt: row.created_at.toISOString(),
  revokedAt: row.revoked_at?.toISOString() ?? null,
});

/** Every joint agency of the declaration's side has released it. */
export const isReleased = (record: Pick<DeclarationRecord, 'jurisdiction' | 'releases'>) =>
  jointAgencies(record.jurisdiction).every((msp) => record.releases[msp] !== undefined);

const evidenceRoutes: FastifyPluginAsync<{ pool: Pool; evidence: EvidenceOptions }> = async (
  instance,
  { pool, evidence },
) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  // One build per subject at a time, kept a while: a public link cannot make the gateway
  // rebuild a bundle on every request.
  const built = new BoundedCache<string, Promise<Bundle>>(64, BUNDLE_TTL_MS);

  function cachedBuild(key: string, build: () => Promise<Bundle>): Promise<Bundle> {
    let bundle = built.get(key);
    if (!bundle) {
      bundle = build().catch((error: unknown) => {
        built.delete(key);
        if (error instanceof EvidenceError)
          throw new ApiError(
            error.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'INVALID_STATE',
            error.message,
            { cause: error },
          );
        throw error;
      });
      built.set(key, bundle);
    }
    return bundle;
  }

  /** The release bundle: its subject is the release that made the record RELEASED. */
  async function releaseBundle(record: DeclarationRecord): Promise<Bundle> {
    if (!isReleased(record))
      throw new ApiError('NOT_RELEASED', `declaration ${record.declarationId} is not released`);
    return cachedBuild(`release:${record.declarationId}`, async () => {
      const releases = new Set(Object.values(record.releases).map((act) => act.txId));
      // A peer commits a block's history after its state: for a moment the record shows the
      // final release and the history does not yet. Asked again a few times, then 503.
      for (let attempt = 1; attempt <= HISTORY_ATTEMPTS; attempt++) {
        const history = await app.contract.declaration.history(record.declarationId);
        const final = history.find(
          (h) => h.action === 'RELEASE' && h.state === 'RELEASED' && releases.has(h.txId),
        );
        if (final) return evidence.builder.build({ kind: 'release', transactionIds: [final.txId] });
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
      throw new ApiError('NOT_READY', 'the ledger is catching up with the release');
    });
  }

  /** The declaration, if the asker may have its evidence (else as if it did not exist). */
  async function declarationFor(request: FastifyRequest, id: string): Promise<DeclarationRecord> {
    const p = requirePrincipal(request);
    const record = await app.contract.declaration.get(id);
    if (p.kind === 'trader') {
      if (record.signature.signerId !== p.id)
        throw new ApiError('NOT_FOUND', `declaration ${id} does not exist`);
    } else if (!jointAgencies(record.jurisdiction).includes(p.mspId)) {
      throw new ApiError(
        'FORBIDDEN',
        `only the agencies that release a ${record.jurisdiction} declaration get its evidence`,
      );
    }
    return record;
  }

  app.get(
    '/v1/declarations/:declarationId/evidence',
    {
      schema: {
        tags: ['evidence'],
        summary: "A released declaration's evidence bundle (its trader; its agencies' officers)",
        params: DeclarationId,
        response: { 200: Bundle, ...errorResponses },
      },
    },
    async (request) => releaseBundle(await declarationFor(request, request.params.declarationId)),
  );

  app.get(
    '/v1/crossings/:crossingId/evidence',
    {
      schema: {
        tags: ['evidence'],
        summary:
          "A crossing decision's evidence bundle (customs officers; a trader whose declaration it covers)",
        params: CrossingId,
        response: { 200: Bundle, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const id = request.params.crossingId;
      if (isSealOperator(p))
        throw new ApiError('FORBIDDEN', 'seal operators do not read crossings');
      const crossing = await app.contract.crossing.get(id);
      if (p.kind === 'trader') {
        const ids = crossing.declarations.map((d) => d.declarationId);
        if ((await signedBy(pool, ids, p.id)).size === 0)
          throw new ApiError('NOT_FOUND', `crossing ${id} does not exist`);
      }
      return cachedBuild(`crossing:${id}`, () =>
        evidence.builder.build({ kind: 'crossing', transactionIds: [crossing.decided.txId] }),
      );
    },
  );

  app.post(
    '/v1/declarations/:declarationId/evidence-links',
    {
      schema: {
        tags: ['evidence'],
        summary: 'Make a link to a released declaration’s evidence (no account needed to open it)',
        params: DeclarationId,
        response: { 201: CreatedLink, ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      const record = await declarationFor(request, request.params.declarationId);
      if (!isReleased(record))
        throw new ApiError('NOT_RELEASED', `declaration ${record.declarationId} is not released`);
      const token = newToken();
      // Counted and inserted in one statement: two requests at once cannot both pass the limit.
      const { rows } = await pool.query<LinkRow>(
        `INSERT INTO evidence_links (link_id, token_sha256, declaration_id, created_by)
         SELECT $1, $2, $3, $4
         WHERE (SELECT count(*) FROM evidence_links
                WHERE created_by = $4 AND declaration_id = $3 AND revoked_at IS NULL) < $5
         RETURNING link_id, declaration_id, created_at, revoked_at`,
        [randomUUID(), sha256Hex(token), record.declarationId, p.id, MAX_LIVE_LINKS],
      );
      const [row] = rows;
      if (!row)
        throw new ApiError('LINK_LIMIT', `at most ${MAX_LIVE_LINKS} live links per declaration`);
      return reply.status(201).send({ ...linkOf(row), token });
    },
  );

  app.get(
    '/v1/declarations/:declarationId/evidence-links',
    {
      schema: {
        tags: ['evidence'],
        summary: 'The links you made to this declaration’s evidence, newest first',
        params: DeclarationId,
        response: { 200: z.object({ items: z.array(Link) }), ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      await declarationFor(request, request.params.declarationId);
      const { rows } = await pool.query<LinkRow>(
        `SELECT link_id, declaration_id, created_at, revoked_at FROM evidence_links
         WHERE created_by = $1 AND declaration_id = $2 ORDER BY created_at DESC, link_id`,
        [p.id, request.params.declarationId],
      );
      return { items: rows.map(linkOf) };
    },
  );

  app.delete(
    '/v1/evidence-links/:linkId',
    {
      schema: {
        tags: ['evidence'],
        summary: 'Revoke a link you made (at once; revoking again changes nothing)',
        params: LinkId,
        response: { 200: Link, ...errorResponses },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const { rows } = await pool.query<LinkRow>(
        `UPDATE evidence_links SET revoked_at = coalesce(revoked_at, now())
         WHERE link_id = $1 AND created_by = $2
         RETURNING link_id, declaration_id, created_at, revoked_at`,
        [request.params.linkId, p.id],
      );
      const [row] = rows;
      if (!row) throw new ApiError('NOT_FOUND', `no link ${request.params.linkId} of yours`);
      return linkOf(row);
    },
  );

  app.post(
    '/v1/evidence/shared',
    {
      config: { public: true, rateLimit: SHARED_RATE_LIMIT },
      bodyLimit: 1024,
      schema: {
        tags: ['evidence'],
        summary: 'The evidence bundle a live link token opens (no account)',
        security: [],
        body: z.object({ token: z.string().regex(LINK_TOKEN, 'a link token') }).strict(),
        response: { 200: Bundle, 410: ErrorBody, ...errorResponses },
      },
    },
    async (request) => {
      const { rows } = await pool.query<{ declaration_id: string; revoked_at: Date | null }>(
        'SELECT declaration_id, revoked_at FROM evidence_links WHERE token_sha256 = $1',
        [sha256Hex(request.body.token)],
      );
      const [link] = rows;
      if (!link) throw new ApiError('NOT_FOUND', 'no such link');
      if (link.revoked_at) throw new ApiError('LINK_REVOKED');
      return releaseBundle(await app.contract.declaration.get(link.declaration_id));
    },
  );

  const { attester } = evidence;
  if (attester)
    app.post(
      '/v1/evidence/attestations',
      {
        config: { public: true, rateLimit: ATTEST_RATE_LIMIT },
        bodyLimit: 512 * 1024,
        schema: {
          tags: ['evidence'],
          summary:
            "This organisation's signed statement of what its own peer recorded for a bundle's claims (for other organisations' gateways)",
          security: [],
          body: ClaimsRequest,
          response: { 200: AttestationSchema.meta({ id: 'Attestation' }), ...errorResponses },
        },
      },
      async (request) => {
        try {
          return await attester.attest(claimsOf(request.body.claims));
        } catch (error) {
          // Claims this peer does not bear out: the asker's mistake, never signed.
          if (error instanceof EvidenceError)
            throw new ApiError('VALIDATION_FAILED', error.message, { cause: error });
          throw error;
        }
      },
    );

  app.get(
    '/v1/evidence/trust-root',
    {
      config: { public: true },
      schema: {
        tags: ['evidence'],
        summary: 'The trust root this gateway’s operators publish (pin your own to rely on it)',
        security: [],
        response: {
          200: TrustRootSchema.meta({ id: 'TrustRoot' }),
          ...errorResponses,
        },
      },
    },
    async () => evidence.trustRoot,
  );
};

export default evidenceRoutes;
