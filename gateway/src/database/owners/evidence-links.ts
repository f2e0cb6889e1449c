/** Capability links to a release's evidence: only the token's SHA-256 is kept. */
import type { MigrationPart } from '../migration-part';

export const EVIDENCE_LINKS: readonly MigrationPart[] = [
  {
    version: 10,
    up: `
      CREATE TABLE evidence_links (
        link_id        uuid PRIMARY KEY,
        token_sha256   text NOT NULL UNIQUE,
        declaration_id text NOT NULL,
        created_by     text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        revoked_at     timestamptz
      );
      CREATE INDEX evidence_links_creator ON evidence_links (created_by, declaration_id);`,
    down: `DROP INDEX evidence_links_creator; DROP TABLE evidence_links;`,
  },
];
