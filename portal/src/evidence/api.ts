/** The evidence routes as the portal calls them (schemas of what the gateway answers). */
import { z } from 'zod';
import { call } from '../api/client';

export const EvidenceLink = z.object({
  linkId: z.string(),
  declarationId: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type EvidenceLink = z.infer<typeof EvidenceLink>;
export const CreatedLink = EvidenceLink.extend({ token: z.string() });
export type CreatedLink = z.infer<typeof CreatedLink>;

const declarationPath = (id: string) => `/v1/declarations/${encodeURIComponent(id)}`;

export const evidenceApi = {
  makeLink: (declarationId: string) =>
    call(CreatedLink, 'POST', `${declarationPath(declarationId)}/evidence-links`),
  links: (declarationId: string) =>
    call(
      z.object({ items: z.array(EvidenceLink) }),
      'GET',
      `${declarationPath(declarationId)}/evidence-links`,
    ).then((page) => page.items),
  revoke: (linkId: string) =>
    call(EvidenceLink, 'DELETE', `/v1/evidence-links/${encodeURIComponent(linkId)}`),
  /** The bundle as JSON; the verifier, not this schema, decides what it is. */
  bundle: (declarationId: string) =>
    call(z.unknown(), 'GET', `${declarationPath(declarationId)}/evidence`),
  shared: (token: string) => call(z.unknown(), 'POST', '/v1/evidence/shared', { body: { token } }),
  trustRoot: () => call(z.unknown(), 'GET', '/v1/evidence/trust-root'),
};

/** The public verify page's address for a link token: the token after `#`, which no
 * browser sends to a server (no access log or Referer keeps it). */
export const verifyUrl = (origin: string, token: string) => `${origin}/verify#${token}`;
