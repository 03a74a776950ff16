import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { addAddressCommand } from '@ironic-metadata/config';
import type { Logger } from '@ironic-metadata/logging';
import { addressState, hostAddresses, type InterfaceAddress } from './interface-state';

/** Request line and headers together; metadata clients send a few hundred bytes. */
export const MAX_HEADER_BYTES = 8 * 1024;
const ACCEPT_BACKLOG = 4096;

/** First and longest pause between attempts to bind an address that is not there yet. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2_000;

/** How a listener waits for its address (`BIND_WAIT_SECONDS`) and whom it tells. */
export interface AddressWait {
  /** Milliseconds to keep retrying an address that is absent or tentative; 0 fails at once. */
  waitMs: number;
  /** The setting that named the address, for the hint: `BIND_ADDR` or `ADMIN_BIND_ADDR`. */
  setting: string;
  /** Called once for each retry, with the interface state. */
  log: (message: string, fields: Record<string, unknown>) => void;
  /** The host's addresses now (default: os.networkInterfaces() and /proc/net/if_inet6). */
  addresses?: () => InterfaceAddress[];
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What to do about a listen error, for the one line the operator reads. */
function advice(code: string | undefined, address: string, port: number, wait: AddressWait, addresses: InterfaceAddress[]): string {
  switch (code) {
    case 'EADDRNOTAVAIL': {
      const { found, summary } = addressState(address, addresses);
      if (found?.dadFailed) {
        return `another host on ${found.iface} already has ${found.address} (IPv6 duplicate address detection failed): remove it there, or choose another address in ${wait.setting} (${summary})`;
      }
      if (found?.tentative) {
        return `${found.address} is still tentative on ${found.iface} (IPv6 duplicate address detection): raise BIND_WAIT_SECONDS, or turn DAD off for the link (sysctl -w net.ipv6.conf.${found.iface}.accept_dad=0) (${summary})`;
      }
      return `${address} is on no interface of this host (${summary}): add it (${addAddressCommand(address)}) or change ${wait.setting}`;
    }
    case 'EACCES':
      return `port ${port} needs root or CAP_NET_BIND_SERVICE (setcap cap_net_bind_service=+ep $(command -v node), AmbientCapabilities in systemd, or sysctl net.ipv4.ip_unprivileged_port_start=${port} in a container)`;
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
 * Binds with `bindOnce`, and while it fails with EADDRNOTAVAIL (the address is not on an interface
 * yet, or is IPv6-tentative until duplicate address detection ends, about 2 s after Docker adds it)
 * tries again with a doubling pause (0.1 s up to 2 s) until `wait.waitMs` has passed, logging each
 * retry once with the interface state. Rejects with an Error saying what is wrong and what to do.
 */
export async function bindWhenReady<T>(bindOnce: () => Promise<T>, address: string, port: number, wait: AddressWait): Promise<T> {
  const { now = Date.now, sleep = sleepFor, addresses = hostAddresses } = wait;
  const deadline = now() + wait.waitMs;
  for (let attempt = 1, pause = FIRST_RETRY_MS; ; attempt++, pause = Math.min(pause * 2, MAX_RETRY_MS)) {
    try {
      return await bindOnce();
    } catch (caught) {
      const error = caught as NodeJS.ErrnoException;
      const left = deadline - now();
      const state = error.code === 'EADDRNOTAVAIL' ? addressState(address, addresses()) : undefined;
      if (!state || state.found?.dadFailed || left <= 0) {
        const waited =
          error.code === 'EADDRNOTAVAIL' && wait.waitMs > 0 ? ` after ${attempt} attempts in ${(wait.waitMs / 1000).toFixed(0)} s` : '';
        throw new Error(
          `cannot listen on ${hostPort(address, port)}: ${error.code ?? error.message}${waited}: ${advice(error.code, address, port, wait, addresses())}`,
        );
      }
      const delay = Math.min(pause, left);
      const reason = state.found?.tentative ? 'tentative (IPv6 duplicate address detection)' : 'on no interface yet';
      wait.log(`${hostPort(address, port)}: ${address} is ${reason}; retrying in ${delay} ms`, { attempt, interfaces: state.summary });
      await sleep(delay);
    }
  }
}

/**
 * An HTTP server on one address, with header size and time limits so slow or oversized clients
 * cannot hold it; resolves once it listens (waiting for the address as `bindWhenReady` does), or
 * rejects with a message saying what to do. Node checks the request timeout every
 * `connectionsCheckingInterval` (30 s by default, which let slow senders hold their descriptors that
 * long): here every second. `guard` sees every connection, from the first.
 */
export function listen(
  handler: RequestListener,
  address: string,
  port: number,
  wait: AddressWait,
  timeouts: ClientTimeouts = DEFAULT_TIMEOUTS,
  guard?: { attach(server: Server): void },
): Promise<Server> {
  const requestMs = timeouts.requestTimeoutSeconds * 1000;
  return bindWhenReady(
    () => {
      const server = createServer(
        {
          maxHeaderSize: MAX_HEADER_BYTES,
          requestTimeout: requestMs,
          headersTimeout: requestMs,
          keepAliveTimeout: timeouts.keepAliveTimeoutSeconds * 1000,
          connectionsCheckingInterval: 1000,
        },
        handler,
      );
      guard?.attach(server);
      return new Promise<Server>((resolve, reject) => {
        server.once('error', reject);
        // A deep accept queue (the kernel caps it at net.core.somaxconn): when a flood fills Node's
        // default of 511, a node's SYN is dropped and its retry comes a second later.
        server.listen({ port, host: address, backlog: ACCEPT_BACKLOG }, () => resolve(server));
      });
    },
    address,
    port,
    wait,
  );
}

/**
 * Resolves once `address`:`port` can be bound (binding it and letting go at once), waiting for it
 * as `bindWhenReady` does; rejects as `listen` does. A cluster's primary waits so before it starts
 * workers: node:cluster shares a listener among workers by a key that counts how often a worker has
 * tried that address, so a worker that retried while the address was tentative would ask for a
 * second socket on the same port and meet EADDRINUSE.
 */
export function waitUntilBindable(address: string, port: number, wait: AddressWait): Promise<void> {
  return bindWhenReady(
    () =>
      new Promise<void>((resolve, reject) => {
        const probe = createNetServer();
        probe.once('error', reject);
        probe.listen({ port, host: address, exclusive: true }, () => probe.close(() => resolve()));
      }),
    address,
    port,
    wait,
  );
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

/** How long a stopping server lets its requests in flight finish before it closes their connections. */
export const DRAIN_MS = 10_000;

/**
 * Stops accepting, lets requests in flight finish, and after `graceMs` closes the connections of those
 * that have not. Resolves with how many connections it cut off so (0: every request finished).
 */
export function closeGracefully(servers: Server[], graceMs = DRAIN_MS): Promise<number> {
  let cutOff = 0;
  const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
  // A request answered leaves its kept-alive connection idle: closed within a tenth of a second,
  // not at the keep-alive timeout (5 s), which held every drain that long.
  const closeIdle = () => servers.forEach((server) => server.closeIdleConnections());
  closeIdle();
  const sweep = setInterval(closeIdle, 100);
  const deadline = setTimeout(() => {
    clearInterval(sweep);
    for (const server of servers) {
      // Connections gone idle since are no requests in flight: what is left after them is.
      server.closeIdleConnections();
      server.getConnections((error, count) => {
        cutOff += error ? 0 : count;
        server.closeAllConnections();
      });
    }
  }, graceMs);
  return Promise.all(closed).then(() => {
    clearInterval(sweep);
    clearTimeout(deadline);
    return cutOff;
  });
}

/** Says what a drain that reached its deadline cut off (nothing when it cut nothing). */
export function reportCutOff(logger: Logger, cutOff: number): void {
  if (cutOff > 0)
    logger.warn(`requests in flight were not done ${DRAIN_MS / 1000} s after the stop; their connections were closed`, {
      connections: cutOff,
    });
}
