/**
 * HTTP POSTs from several loopback addresses in turn (127.0.0.2, .3, …): filings through
 * the gateway come from many traders, and the gateway bounds each address's signature
 * checks in flight (trust-anchors.ts), so a bench sending all of them from one address
 * would measure that bound, not the gateway. Keep-alive connections, one agent per address.
 */
import * as http from 'node:http';

export interface AddressedClient {
  post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; text: string }>;
  close(): void;
}

/** `count` 0: from whatever address the system picks (a gateway not on loopback). */
export function fromAddresses(count: number): AddressedClient {
  const agents = Array.from({ length: Math.max(1, count) }, (_, i) => ({
    address: count > 0 ? `127.0.0.${i + 2}` : undefined,
    agent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  }));
  let next = 0;
  return {
    post(url, headers, body) {
      const { address, agent } = agents[next++ % agents.length] as (typeof agents)[number];
      return new Promise((resolve, reject) => {
        const req = http.request(
          url,
          {
            method: 'POST',
            agent,
            ...(address ? { localAddress: address } : {}),
            headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close() {
      for (const { agent } of agents) agent.destroy();
    },
  };
}
