/** Helpers for tests and benchmarks that talk to a gateway over HTTP (no test framework needed). */
import * as net from 'node:net';

/** A TCP port that is free on 127.0.0.1 right now (another process may still take it first). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Calls `probe` every `everyMs` until it returns something other than undefined, and returns
 * that. A probe that throws counts as not yet. After `ms`, throws `timed out waiting for
 * <what>`, with the probe's last error (if any) as its cause.
 */
export async function until<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined>,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    const value = await probe().catch((error: unknown) => {
      lastError = error;
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}`,
        lastError === undefined ? undefined : { cause: lastError },
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** What signs a trader's sign-in challenge: a detached CMS signature over the bytes. */
export interface ChallengeSigner {
  sign(content: Uint8Array): Promise<Uint8Array>;
}

/**
 * Signs a trader in at the gateway at `base` (POST /v1/auth/challenge, the challenge signed by
 * `signer`, POST /v1/auth/trader) and returns the bearer token. Throws `trader sign-in:
 * <status> <body>` when the gateway refuses.
 */
export async function signInTrader(base: string, signer: ChallengeSigner): Promise<string> {
  const issued = await fetch(`${base}/v1/auth/challenge`, { method: 'POST' });
  if (!issued.ok) throw new Error(`trader sign-in: ${issued.status} ${await issued.text()}`);
  const challenge = (await issued.json()) as { challengeId: string; challenge: string };
  const signature = await signer.sign(Buffer.from(challenge.challenge, 'base64'));
  const signedIn = await fetch(`${base}/v1/auth/trader`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      challengeId: challenge.challengeId,
      signature: Buffer.from(signature).toString('base64'),
    }),
  });
  if (!signedIn.ok) throw new Error(`trader sign-in: ${signedIn.status} ${await signedIn.text()}`);
  const { token } = (await signedIn.json()) as { token: string };
  return token;
}
