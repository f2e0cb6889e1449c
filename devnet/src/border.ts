/**
 * The border links' latency: Toxiproxy (github.com/Shopify/toxiproxy/v2, MIT) on the border
 * host, one proxy per port a host serves across a link, each with a latency toxic per
 * direction. This kernel has no netem, so delay is added to TCP streams by the proxy.
 * Built from the Go module proxy into the same cache as Fabric, never committed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DevnetError } from './errors';
import { commandExists, run } from './exec';
import type { ProxyPlan } from './layout';

export const TOXIPROXY_VERSION = '2.5.0';
const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2';

function cacheRoot(env: NodeJS.ProcessEnv): string {
  return path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'clearance-ledger');
}

/** Where toxiproxy-server is (or will be) installed. */
export function toxiproxyBin(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), `toxiproxy-${TOXIPROXY_VERSION}`, 'bin', 'toxiproxy-server');
}

/** Builds toxiproxy-server into the cache unless it is there; resolves with its path. */
export async function installToxiproxy(
  log: (line: string) => void = console.log,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const bin = toxiproxyBin(env);
  if (fs.existsSync(bin)) return bin;
  if (!(await commandExists('go'))) {
    throw new DevnetError(
      'DEPENDENCY_MISSING',
      'Go is not installed; Toxiproxy is built from source with `go install`',
      'install Go 1.26 or newer',
    );
  }
  const started = Date.now();
  const dir = path.dirname(bin);
  fs.mkdirSync(dir, { recursive: true });
  log(`building Toxiproxy ${TOXIPROXY_VERSION} into ${dir}`);
  try {
    // Outside any module: `go install pkg@version` builds exactly that release.
    await run('go', ['install', `${TOXIPROXY_MODULE}/cmd/server@v${TOXIPROXY_VERSION}`], {
      cwd: os.tmpdir(),
      env: { GOBIN: dir, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' },
      timeoutMs: 15 * 60_000,
    });
  } catch (error) {
    throw new DevnetError(
      'FABRIC_INSTALL_FAILED',
      `go install of Toxiproxy ${TOXIPROXY_VERSION} failed: ${(error as Error).message}`,
      `check that the Go module proxy serves ${TOXIPROXY_MODULE}@v${TOXIPROXY_VERSION}`,
      { cause: error },
    );
  }
  fs.renameSync(path.join(dir, 'server'), bin);
  log(`Toxiproxy built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return bin;
}

export interface LinkLatency {
  latencyMs: number;
  jitterMs: number;
}

interface ToxicState {
  name: string;
  stream: string;
  attributes: { latency?: number; jitter?: number };
}
interface ProxyState {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicState[];
}

const STREAMS = ['upstream', 'downstream'] as const;

/** Toxiproxy's HTTP API on the border host. */
export class BorderProxy {
  constructor(private readonly apiUrl: string) {}

  private async call(method: string, route: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.apiUrl}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) {
      throw new DevnetError(
        'STEP_FAILED',
        `Toxiproxy ${method} ${route} answered ${res.status}: ${text}`,
      );
    }
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  async proxies(): Promise<ProxyState[]> {
    return Object.values((await this.call('GET', '/proxies')) as Record<string, ProxyState>);
  }

  /**
   * Makes the proxies exactly `plans` (creating, updating, enabling; removing others), each
   * with `latency` per direction (or none when both figures are 0).
   */
  async configure(plans: readonly ProxyPlan[], latency?: LinkLatency): Promise<void> {
    const existing = await this.proxies();
    for (const stale of existing.filter((p) => !plans.some((plan) => plan.name === p.name))) {
      await this.call('DELETE', `/proxies/${stale.name}`);
    }
    await this.call(
      'POST',
      '/populate',
      plans.map((p) => ({ name: p.name, listen: p.listen, upstream: p.upstream, enabled: true })),
    );
    const now = await this.proxies();
    for (const plan of plans) {
      const state = now.find((p) => p.name === plan.name);
      const wanted = latency ?? { latencyMs: plan.latencyMs, jitterMs: plan.jitterMs };
      for (const stream of STREAMS) {
        const name = `latency_${stream}`;
        const toxic = state?.toxics.find((t) => t.name === name);
        const route = `/proxies/${plan.name}/toxics`;
        if (wanted.latencyMs === 0 && wanted.jitterMs === 0) {
          if (toxic) await this.call('DELETE', `${route}/${name}`);
          continue;
        }
        const attributes = { latency: wanted.latencyMs, jitter: wanted.jitterMs };
        if (toxic) {
          await this.call('POST', `${route}/${name}`, { attributes });
        } else {
          await this.call('POST', route, {
            name,
            type: 'latency',
            stream,
            toxicity: 1,
            attributes,
          });
        }
      }
    }
  }

  /** The latency each proxy adds now (upstream toxic; both directions are set alike). */
  async latencies(): Promise<Record<string, LinkLatency>> {
    const out: Record<string, LinkLatency> = {};
    for (const proxy of await this.proxies()) {
      const toxic = proxy.toxics.find((t) => t.name === 'latency_upstream');
      out[proxy.name] = {
        latencyMs: toxic?.attributes.latency ?? 0,
        jitterMs: toxic?.attributes.jitter ?? 0,
      };
    }
    return out;
  }
}
