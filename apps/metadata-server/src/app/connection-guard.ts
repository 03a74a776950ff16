import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '@ironic-metadata/logging';
import type { CidrList } from '@ironic-metadata/config';
import type { ConnectionRefusal, ServiceMetrics } from './service-metrics';
import { normalizeIp } from '@ironic-metadata/node-discovery';
import type { ConnectionCaps } from './open-file-limit';
import { clientErrorReply, type ParserError } from './client-error-reply';
import { MAX_HEADER_BYTES } from './listen';

/** At most one log line per reason in this many ms: a flood must not become a flood of logs. */
const LOG_INTERVAL_MS = 60_000;

/**
 * Caps the nodes' connections so that no client can starve the others or the process of descriptors:
 * one client address holds at most `maxConnectionsPerClient` (trusted proxies, which carry many
 * clients, only count towards the total), and all listeners together at most `maxConnections`. At the
 * total, the connection idle longest without a request in progress (a slow sender's, or a kept-alive
 * one) is closed to make room, so a node that asks now is answered while a flood waits for its
 * request timeout. Refusals are counted by reason.
 */
export class ConnectionGuard {
  private total = 0;
  private readonly perClient = new Map<string, number>();
  /** Connections without a request in progress, oldest first (a Set keeps insertion order). */
  private readonly idle = new Set<Socket>();
  private readonly lastLogged = new Map<ConnectionRefusal, number>();

  constructor(
    private readonly caps: ConnectionCaps,
    /** A new connection is closed after this long without a byte (ms), whatever Node's parser thinks. */
    private readonly idleTimeoutMs: number,
    /** TRUSTED_PROXIES. */
    private readonly trustedProxies: CidrList,
    private readonly metrics: ServiceMetrics,
    private readonly logger: Logger,
  ) {
    metrics.watchConnections(() => ({ open: this.total, mostFromOneClient: Math.max(0, ...this.perClient.values()) }));
  }

  /** Guards one listener; every listener attached shares the caps. */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const socket = request.socket;
      this.idle.delete(socket);
      // The answer may wait on Ironic or a vendor data target: only Node's own timeouts apply meanwhile.
      // Only the first request finds this guard's timeout set: before each later one Node itself sets
      // the socket's timeout to `server.timeout`, 0 here (`resetSocketTimeout`, node/lib/_http_server.js).
      if (socket.timeout) socket.setTimeout(0);
      // Kept alive after the answer: Node's keepAliveTimeout closes it (by the socket's timeout).
      response.once('close', () => {
        if (!socket.destroyed) this.idle.add(socket);
      });
    });
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => this.clientError(error, socket));
  }

  private admit(socket: Socket): void {
    const address = normalizeIp(socket.remoteAddress ?? '');
    const capped = !this.trustedProxies.has(address);
    const held = this.perClient.get(address) ?? 0;
    if (capped && held >= this.caps.maxConnectionsPerClient) {
      this.refuse('client-limit', `${address} holds ${held} connections, MAX_CONNECTIONS_PER_CLIENT; refusing more from it`);
      socket.destroy();
      return;
    }
    if (this.total >= this.caps.maxConnections) {
      const oldest = this.idle.values().next().value;
      if (oldest === undefined) {
        this.refuse(
          'total-limit',
          `${this.total} connections are open, MAX_CONNECTIONS, and every one has a request in progress; refusing new ones`,
        );
        socket.destroy();
        return;
      }
      this.refuse('evicted', `${this.total} connections are open, MAX_CONNECTIONS; closing the longest idle to admit new ones`);
      this.idle.delete(oldest);
      oldest.destroy();
    }
    this.total++;
    this.perClient.set(address, held + 1);
    this.idle.add(socket);
    // Behind Node's request and keep-alive timeouts, checked once a second: a last, per-socket bound.
    socket.setTimeout(this.idleTimeoutMs, () => socket.destroy());
    socket.once('close', () => {
      this.total--;
      this.idle.delete(socket);
      const left = (this.perClient.get(address) ?? 1) - 1;
      if (left > 0) this.perClient.set(address, left);
      else this.perClient.delete(address);
    });
  }

  /**
   * What Node does with a client error when no one listens (node/lib/_http_server.js socketOnError),
   * with request timeouts counted and a one-line body saying what was wrong (`clientErrorReply`: an
   * over-long path is 414, not Node's 431), on a connection that got no answer yet.
   */
  private clientError(error: ParserError, socket: Socket): void {
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
      this.refuse('request-timeout', 'a client did not send its request within REQUEST_TIMEOUT_SECONDS; closing its connection');
    if (socket.writable && socket.bytesWritten === 0) socket.write(clientErrorReply(error, MAX_HEADER_BYTES));
    socket.destroy();
  }

  private refuse(reason: ConnectionRefusal, message: string): void {
    this.metrics.connectionRefused(reason);
    const now = Date.now();
    if (now - (this.lastLogged.get(reason) ?? -Infinity) < LOG_INTERVAL_MS) return;
    this.lastLogged.set(reason, now);
    this.logger.warn(
      `connection limit: ${message} (further ones are counted in metadata_connections_refused_total, logged at most once a minute)`,
      {
        maxConnections: this.caps.maxConnections,
        maxConnectionsPerClient: this.caps.maxConnectionsPerClient,
        openFiles: this.caps.openFiles,
      },
    );
  }
}
