import { createServer, type RequestListener, type Server } from 'node:http';

/** Request line and headers together; metadata clients send a few hundred bytes. */
const MAX_HEADER_BYTES = 8 * 1024;
const ACCEPT_BACKLOG = 4096;

/** What to do about a listen error, for the one line the operator reads. */
function advice(code: string | undefined, address: string, port: number): string {
  switch (code) {
    case 'EADDRNOTAVAIL':
      return `${address} is on no interface of this host: add it (ip addr add ${address}/32 dev <iface>) or change the bind address`;
    case 'EACCES':
      return `port ${port} needs root or CAP_NET_BIND_SERVICE (setcap cap_net_bind_service=+ep $(command -v node), or AmbientCapabilities in systemd)`;
    case 'EADDRINUSE':
      return `something already listens on ${address}:${port}: another instance of this service?`;
    default:
      return 'check the address and port';
  }
}

/** How long a client may take: to send its whole request, and to ask again on a kept-alive connection. */
export interface ClientTimeouts {
  requestTimeoutSeconds: number;
  keepAliveTimeoutSeconds: number;
}

const DEFAULT_TIMEOUTS: ClientTimeouts = { requestTimeoutSeconds: 10, keepAliveTimeoutSeconds: 5 };

/**
 * An HTTP server on one address, with header size and time limits so slow or oversized clients
 * cannot hold it; resolves once it listens, or rejects with a message saying what to do. Node checks
 * the request timeout every `connectionsCheckingInterval` (30 s by default, which let slow senders
 * hold their descriptors that long): here every second. `guard` sees every connection, from the first.
 */
export function listen(handler: RequestListener, address: string, port: number, timeouts: ClientTimeouts = DEFAULT_TIMEOUTS, guard?: { attach(server: Server): void }): Promise<Server> {
  const requestMs = timeouts.requestTimeoutSeconds * 1000;
  const server = createServer(
    { maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: requestMs, headersTimeout: requestMs, keepAliveTimeout: timeouts.keepAliveTimeoutSeconds * 1000, connectionsCheckingInterval: 1000 },
    handler,
  );
  guard?.attach(server);
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(`cannot listen on ${hostPort(address, port)}: ${error.code ?? error.message}: ${advice(error.code, address, port)}`));
    });
    // A deep accept queue (the kernel caps it at net.core.somaxconn): when a flood fills Node's default
    // of 511, a node's SYN is dropped and its retry comes a second later.
    server.listen({ port, host: address, backlog: ACCEPT_BACKLOG }, () => resolve(server));
  });
}

/** `10.0.0.1:80`, `[fe80::a9fe:a9fe%eth0]:80`. */
export function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The port a server actually got (port 0 picks one). */
export function boundPort(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** Stops accepting, lets requests in flight finish, and gives up on stragglers after `graceMs`. */
export function closeGracefully(servers: Server[], graceMs: number): Promise<void> {
  const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
  servers.forEach((server) => server.closeIdleConnections());
  const deadline = setTimeout(() => servers.forEach((server) => server.closeAllConnections()), graceMs);
  return Promise.all(closed).then(() => clearTimeout(deadline));
}
