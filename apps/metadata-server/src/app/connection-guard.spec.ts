import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { createLogger } from '@ironic-metadata/logging';
import { CidrList } from '@ironic-metadata/config';
import { ServiceMetrics } from './service-metrics';
import { ConnectionGuard } from './connection-guard';

let server: Server;
let metrics: ServiceMetrics;
const sockets: Socket[] = [];

async function serve(
  caps: { maxConnections: number; maxConnectionsPerClient: number },
  trusted: string[] = [],
  { idleTimeoutMs = 60_000, answerAfterMs = 0 } = {},
): Promise<number> {
  metrics = new ServiceMetrics();
  const logger = createLogger({ level: 'error', stream: new PassThrough() });
  server = createServer((_request, response) =>
    answerAfterMs > 0 ? void setTimeout(() => response.end('ok\n'), answerAfterMs) : response.end('ok\n'),
  );
  new ConnectionGuard({ openFiles: 4096, reserve: 512, ...caps }, idleTimeoutMs, new CidrList(trusted), metrics, logger).attach(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** A connection from `from` that sends half a request line and waits; resolves once connected. */
async function slow(port: number, from: string): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', localAddress: from });
  sockets.push(socket);
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write('GET /openstack HTTP/1.1\r\nHost: x\r\n');
  return socket;
}

/** Whether the server closed a connection within a moment. */
async function closedSoon(socket: Socket): Promise<boolean> {
  if (socket.destroyed || socket.readableEnded) return true;
  return Promise.race([
    new Promise<boolean>((resolve) => socket.once('close', () => resolve(true))),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 300)),
  ]);
}

async function get(port: number, from: string): Promise<string> {
  const socket = connect({ port, host: '127.0.0.1', localAddress: from });
  sockets.push(socket);
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  await once(socket, 'connect');
  socket.end('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await once(socket, 'close');
  return answer.split('\r\n')[0];
}

async function refused(): Promise<Record<string, number>> {
  const metric = await metrics.registry.getSingleMetric('metadata_connections_refused_total')?.get();
  return Object.fromEntries((metric?.values ?? []).map((value) => [String(value.labels['reason']), value.value]));
}

afterEach(async () => {
  sockets.splice(0).forEach((socket) => socket.destroy());
  server.closeAllConnections();
  server.close();
});

describe('ConnectionGuard', () => {
  it("lets an answer take longer than its idle timeout, on a connection's first request and on the next kept-alive one", async () => {
    const port = await serve({ maxConnections: 10, maxConnectionsPerClient: 10 }, [], { idleTimeoutMs: 100, answerAfterMs: 300 });
    // The socket's timeout while each answer is awaited, after the guard has seen the request.
    const timeouts: (number | undefined)[] = [];
    server.on('request', (request: IncomingMessage) => timeouts.push(request.socket.timeout));
    const socket = connect({ port, host: '127.0.0.1' });
    sockets.push(socket);
    const closed = once(socket, 'close');
    let answers = '';
    socket.on('data', (chunk: Buffer) => (answers += chunk.toString()));
    await once(socket, 'connect');
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 400));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await closed;
    expect(answers.match(/^HTTP\/1\.1 \d+/gm)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200']);
    expect(timeouts).toEqual([0, 0]);
  });

  it('refuses connections past the per-client cap, and only from that client', async () => {
    const port = await serve({ maxConnections: 100, maxConnectionsPerClient: 3 });
    const held = await Promise.all([1, 2, 3].map(() => slow(port, '127.0.0.2')));
    const fourth = await slow(port, '127.0.0.2');
    expect(await closedSoon(fourth)).toBe(true);
    expect(await Promise.all(held.map(closedSoon))).toEqual([false, false, false]);
    expect(await get(port, '127.0.0.3')).toBe('HTTP/1.1 200 OK');
    expect(await refused()).toEqual({ 'client-limit': 1 });
  });

  it('does not cap a trusted proxy per address', async () => {
    const port = await serve({ maxConnections: 100, maxConnectionsPerClient: 2 }, ['127.0.0.2']);
    const held = await Promise.all([1, 2, 3, 4].map(() => slow(port, '127.0.0.2')));
    expect(await Promise.all(held.map(closedSoon))).toEqual([false, false, false, false]);
  });

  it('at the total, closes the longest idle connection so that a new client is answered', async () => {
    const port = await serve({ maxConnections: 4, maxConnectionsPerClient: 4 });
    const held: Socket[] = [];
    for (const from of ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']) held.push(await slow(port, from));
    expect(await get(port, '127.0.0.6')).toBe('HTTP/1.1 200 OK');
    expect(await closedSoon(held[0])).toBe(true);
    expect(await closedSoon(held[1])).toBe(false);
    expect(await refused()).toEqual({ evicted: 1 });
  });

  it('answers a request past the header limit with one plain line: 414 for an over-long path, else 431', async () => {
    const port = await serve({ maxConnections: 100, maxConnectionsPerClient: 10 });
    // Node's default limit here is 16 KiB; the service sets 8 KiB (listen.ts).
    const answers = await Promise.all(
      [
        `GET /latest/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
        `GET /latest/ HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
      ].map((request) => rawAnswer(port, request)),
    );
    expect(answers.map((answer) => [answer.split('\r\n')[0], answer.split('\r\n\r\n')[1]])).toEqual([
      ['HTTP/1.1 414 URI Too Long', 'URI too long: the path is longer than 1024 characters\n'],
      [
        'HTTP/1.1 431 Request Header Fields Too Large',
        'Request header fields too large: the request line and headers together are larger than 8 KiB\n',
      ],
    ]);
  });
});

/** Everything the server sends back to `request`, sent in one write, until it closes the connection. */
async function rawAnswer(port: number, request: string): Promise<string> {
  const socket = connect({ port, host: '127.0.0.1' });
  sockets.push(socket);
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(request);
  await once(socket, 'close');
  return answer;
}
