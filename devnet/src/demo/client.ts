/**
 * The gateway as the demo uses it, over HTTP only: sign-in, acts that wait for their
 * commit (Idempotency-Key, `Prefer: wait`), and reads. A refusal is a DemoError with the
 * gateway's code.
 */
import { randomUUID } from 'node:crypto';

export class DemoError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DemoError';
  }
}

export interface Answer {
  status: number;
  headers: Headers;
  /** The JSON body, or the text of one that is not JSON ('' when empty). */
  body: unknown;
}

/**
 * One HTTP request to a gateway at `base`, with a JSON body and a bearer token if given,
 * answered with its status, headers and body; also the tests' requests to gateways.
 */
export async function requestJson(
  base: string,
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
    timeoutMs?: number;
  } = {},
): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, headers: res.headers, body };
}

/** The error code of a gateway answer (`{error: {code}}`), if it has one. */
function errorCode(body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown } } | null)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
}

export class GatewayClient {
  constructor(readonly base: string) {}

  request(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; key?: string; wait?: boolean } = {},
  ): Promise<Answer> {
    return requestJson(this.base, method, path, {
      ...(options.token ? { token: options.token } : {}),
      ...(options.body === undefined ? {} : { body: options.body }),
      headers: {
        ...(options.key ? { 'idempotency-key': options.key } : {}),
        ...(options.wait ? { prefer: 'wait=30' } : {}),
      },
    });
  }

  /** The answer's body when its status is one of `ok`; a DemoError with its code otherwise. */
  async expect(answer: Promise<Answer>, ok: number[], what: string): Promise<unknown> {
    const { status, body } = await answer;
    if (ok.includes(status)) return body;
    throw new DemoError(
      errorCode(body) ?? `HTTP_${status}`,
      `${what}: ${status} ${JSON.stringify(body).slice(0, 300)}`,
    );
  }

  async signInOfficer(account: string, password: string): Promise<string> {
    const [organisation, username] = account.split('/');
    const body = await this.expect(
      this.request('POST', '/v1/auth/officer', { body: { organisation, username, password } }),
      [200],
      `sign-in of ${account}`,
    );
    return (body as { token: string }).token;
  }

  /**
   * An act that runs as an operation (filing, officer act), answered once committed. A
   * retry of the same request (same key) after a 5xx, a 429 or no answer gets the same
   * operation.
   */
  async operation(path: string, token: string, body: unknown, what: string): Promise<void> {
    const key = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const answer = await this.request('POST', path, { token, body, key, wait: true }).catch(
        (error: unknown) => ({ status: 0, headers: new Headers(), body: String(error) }),
      );
      if (answer.status === 200 || answer.status === 202) {
        const op = (answer.body as { operation: { state: string; error?: { code: string } } })
          .operation;
        if (op.state === 'succeeded') return;
        if (op.state === 'failed')
          throw new DemoError(op.error?.code ?? 'FAILED', `${what}: ${JSON.stringify(op.error)}`);
        // still pending after the wait: ask again with the same key
      } else if (answer.status !== 0 && answer.status !== 429 && answer.status < 500) {
        await this.expect(Promise.resolve(answer), [], what);
      }
      // 429 (too many signature checks in flight from this address) is a refusal for load:
      // the same request, same key, is sent again after a pause, like a 5xx.
      if (attempt >= 10)
        throw new DemoError('TIMEOUT', `${what}: no outcome after ${attempt} tries`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
