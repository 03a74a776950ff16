import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildFleet } from './fleet';
import { SimApi } from './sim-api';

export interface SimServerOptions {
  nodes: number;
  /** Distinct config drives shared by the nodes (building one per node would make start-up slow). */
  driveVariants?: number;
  /** A loopback address: the simulator is for benchmarks on this machine only. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningSim {
  /** e.g. `http://127.0.0.1:41234`: what IRONIC_URL should be. */
  url: string;
  api: SimApi;
  close(): Promise<void>;
}

/**
 * Listens, builds the fleet (its `links` name the port it got), then answers. Nobody can know the
 * port before this resolves, so no request arrives before the fleet is ready.
 */
export async function startIronicSim(options: SimServerOptions): Promise<RunningSim> {
  const host = options.host ?? '127.0.0.1';
  if (!host.startsWith('127.')) throw new RangeError(`the simulator listens on loopback only (127.0.0.0/8), not ${host}`);
  if (!Number.isInteger(options.nodes) || options.nodes < 1)
    throw new RangeError(`nodes must be a whole number from 1, got ${options.nodes}`);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A long backlog: the seed-style floor server lists the fleet for many clients at once.
    server.listen({ host, port: options.port ?? 0, backlog: 4096 }, resolve);
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  const api = new SimApi(buildFleet({ nodes: options.nodes, driveVariants: options.driveVariants ?? 8, publicUrl: url }), url);
  server.on('request', (request, response) => {
    const reply = api.handle(
      request.method ?? 'GET',
      request.url ?? '/',
      request.headers['x-openstack-ironic-api-version'] as string | undefined,
    );
    response.writeHead(reply.status, { ...reply.headers, 'Content-Length': Buffer.byteLength(reply.body) });
    response.end(request.method === 'HEAD' ? undefined : reply.body);
  });
  return { url, api, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
