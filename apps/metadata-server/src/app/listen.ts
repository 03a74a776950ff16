import { createServer, type RequestListener, type Server } from 'node:http';

/** Request line and headers together; metadata clients send a few hundred bytes. */
const MAX_HEADER_BYTES = 8 * 1024;

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

/**
 * An HTTP server on one address, with header size and time limits so slow or oversized clients
 * cannot hold it; resolves once it listens, or rejects with a message saying what to do.
 */
export function listen(handler: RequestListener, address: string, port: number): Promise<Server> {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 15_000, headersTimeout: 10_000 }, handler);
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(`cannot listen on ${hostPort(address, port)}: ${error.code ?? error.message}: ${advice(error.code, address, port)}`));
    });
    server.listen(port, address, () => resolve(server));
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
