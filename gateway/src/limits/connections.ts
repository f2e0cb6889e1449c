/**
 * Timeouts and connection limits of the HTTP server: a client that sends a request slowly,
 * or holds sockets open, cannot tie up the gateway. Node's own defaults wait minutes (or,
 * as Fastify sets them, forever) for a request body.
 */
import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';

export interface ServerLimits {
  /** The whole request (headers and body) must arrive within this (408 after). */
  requestMs: number;
  /** The headers must arrive within this. */
  headersMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
  /** A connection with no traffic either way is closed after this (SSE heartbeats are 15 s). */
  idleMs: number;
  /** Open connections one client address may hold; more are closed at once. */
  connectionsPerClient: number;
  /** Open connections in all; more are refused at once. */
  connections: number;
}

export const SERVER_LIMITS: ServerLimits = {
  requestMs: 30_000,
  headersMs: 10_000,
  keepAliveMs: 5_000,
  idleMs: 60_000,
  connectionsPerClient: 256,
  connections: 8192,
};

/** The Fastify options that carry the timeouts (Node checks them every second). */
export function serverTimeoutOptions(limits: ServerLimits): {
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionTimeout: number;
  http: ServerOptions;
} {
  return {
    requestTimeout: limits.requestMs,
    keepAliveTimeout: limits.keepAliveMs,
    connectionTimeout: limits.idleMs,
    http: {
      headersTimeout: limits.headersMs,
      connectionsCheckingInterval: Math.min(1000, limits.headersMs),
    },
  };
}

/** Counts connections per client address and closes those over the limits at once. */
export function limitConnections(server: Server, limits: ServerLimits): void {
  server.maxConnections = limits.connections;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.connectionsPerClient) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
