/**
 * Officer accounts: each holds the officer's own Fabric identity (certificate, and the
 * private key sealed under the key encryption key) and a password hash for sign-in.
 */
import type { Pool } from 'pg';
import type { SigningIdentity } from '../ports/fabric-ledger';
import type { OfficerPrincipal } from './principal';
import { hashPassword, openSecret, sealSecret, verifyPassword } from './secrets';

export interface AccountInput {
  organisation: string;
  username: string;
  mspId: string;
  role: string;
  /** A lane device's control point (its certificate's controlPoint attribute). */
  controlPoint?: string | undefined;
  certificate: string;
  privateKey: string;
  /** Without one the account can act (e.g. a filing agent) but nobody signs in as it. */
  password?: string;
}

export interface AccountStore {
  upsert(input: AccountInput): Promise<string>;
  /** The principal when the password is right; undefined otherwise (same time either way). */
  signIn(
    organisation: string,
    username: string,
    password: string,
  ): Promise<OfficerPrincipal | undefined>;
  identity(accountId: string): Promise<SigningIdentity>;
}

const DUMMY_HASH =
  'scrypt$32768$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export const accountId = (organisation: string, username: string): string =>
  `${organisation}/${username}`;

export function createAccountStore(pool: Pool, kek: Uint8Array): AccountStore {
  return {
    async upsert(input) {
      const id = accountId(input.organisation, input.username);
      await pool.query(
        `INSERT INTO accounts (account_id, organisation, username, msp_id, role, certificate, key_ciphertext,
                               password_hash, control_point)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (account_id) DO UPDATE SET msp_id = EXCLUDED.msp_id, role = EXCLUDED.role,
           control_point = EXCLUDED.control_point,
           certificate = EXCLUDED.certificate, key_ciphertext = EXCLUDED.key_ciphertext,
           password_hash = EXCLUDED.password_hash`,
        [
          id,
          input.organisation,
          input.username,
          input.mspId,
          input.role,
          input.certificate,
          sealSecret(kek, input.privateKey, id),
          input.password ? await hashPassword(input.password) : null,
          input.controlPoint ?? null,
        ],
      );
      return id;
    },

    async signIn(organisation, username, password) {
      const { rows } = await pool.query<{
        account_id: string;
        msp_id: string;
        role: string;
        control_point: string | null;
        password_hash: string | null;
      }>(
        'SELECT account_id, msp_id, role, control_point, password_hash FROM accounts WHERE account_id = $1',
        [accountId(organisation, username)],
      );
      const row = rows[0];
      // Hash even for an unknown account, so timing does not tell which accounts exist.
      const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
      if (!row?.password_hash || !ok) return undefined;
      return {
        kind: 'officer',
        id: row.account_id,
        organisation,
        mspId: row.msp_id,
        name: username,
        role: row.role,
        ...(row.control_point ? { controlPoint: row.control_point } : {}),
      };
    },

    async identity(id) {
      const { rows } = await pool.query<{
        msp_id: string;
        certificate: string;
        key_ciphertext: Buffer;
      }>('SELECT msp_id, certificate, key_ciphertext FROM accounts WHERE account_id = $1', [id]);
      const row = rows[0];
      if (!row) throw new Error(`no account ${id}`);
      return {
        mspId: row.msp_id,
        certificate: row.certificate,
        privateKey: openSecret(kek, row.key_ciphertext, id),
      };
    },
  };
}
