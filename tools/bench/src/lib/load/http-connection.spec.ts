import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { HttpConnection, type HttpTarget } from './http-connection';

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<HttpTarget> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ host: '127.0.0.1', port: (server.address() as AddressInfo).port })),
  );
}

describe('HttpConnection', () => {
  let server: Server;
  let target: HttpTarget;
  const seen: { address?: string; connection?: string }[] = [];

  beforeAll(async () => {
    server = createHttpServer((request, response) => {
      seen.push({ address: request.socket.remoteAddress, connection: request.headers.connection });
      const body = `you are ${request.socket.remoteAddress} asking for ${request.url}`;
      response.writeHead(request.url === '/missing' ? 404 : 200, { 'Content-Length': Buffer.byteLength(body) });
      response.end(body);
    });
    target = await listen(server);
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (seen.length = 0));

  it('asks from the given source address and reads status and body', async () => {
    const connection = await HttpConnection.open(target, '127.1.0.9', 2000);
    try {
      const answer = await connection.get('/openstack', true);
      expect(answer.status).toBe(200);
      expect(answer.body.toString()).toBe('you are 127.1.0.9 asking for /openstack');
      expect(seen).toEqual([{ address: '127.1.0.9', connection: 'close' }]);
    } finally {
      connection.close();
    }
  });

  it('sends several requests on one kept-alive connection, statuses as they come', async () => {
    const connection = await HttpConnection.open(target, '127.1.0.10', 2000);
    try {
      expect((await connection.get('/a', false)).status).toBe(200);
      expect((await connection.get('/missing', false)).status).toBe(404);
      expect(connection.usable).toBe(true);
      expect(seen.map((request) => request.connection)).toEqual(['keep-alive', 'keep-alive']);
    } finally {
      connection.close();
    }
  });

  it('reads an answer without Content-Length up to the close, and refuses chunked ones', async () => {
    const raw = createTcpServer((socket) =>
      socket.once('data', (request) => {
        const chunked = request.toString().startsWith('GET /chunked');
        socket.end(
          chunked ? 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n' : 'HTTP/1.1 200 OK\r\n\r\nuntil the end',
        );
      }),
    );
    const rawTarget = await listen(raw);
    try {
      const untilClose = await HttpConnection.open(rawTarget, '127.1.0.11', 2000);
      expect((await untilClose.get('/', true)).body.toString()).toBe('until the end');
      untilClose.close();
      const chunked = await HttpConnection.open(rawTarget, '127.1.0.11', 2000);
      await expect(chunked.get('/chunked', true)).rejects.toThrow(/chunked/);
      chunked.close();
    } finally {
      raw.close();
    }
  });

  it('gives up on a server that does not answer', async () => {
    const silent = createTcpServer(() => undefined);
    const silentTarget = await listen(silent);
    try {
      const connection = await HttpConnection.open(silentTarget, '127.1.0.12', 200);
      await expect(connection.get('/', true)).rejects.toThrow(/time-out/);
      connection.close();
    } finally {
      silent.close();
    }
  });
});
