import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type ServerOptions as TlsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A request as the fake server saw it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/nodes?limit=2`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the fake answers: a JSON body (or a string sent as is), after an optional delay. */
export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
}

export type FakeHandler = (request: RecordedRequest, baseUrl: string) => FakeAnswer | Promise<FakeAnswer>;

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** An HTTP server (HTTPS with `tls`) on 127.0.0.1 and a free port, recording every request. */
export async function startFakeServer(handler: FakeHandler, tls?: TlsServerOptions): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  let baseUrl = '';
  const listener = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      const body = Buffer.concat(chunks).toString();
      const request = { method: incoming.method ?? 'GET', url: incoming.url ?? '/', headers: incoming.headers, body };
      requests.push(request);
      const answer = await handler(request, baseUrl);
      // Unreferenced: a slow answer the client gave up on must not keep the test process alive.
      if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs).unref());
      if (outgoing.destroyed) return;
      const text = typeof answer.body === 'string' ? answer.body : answer.body === undefined ? '' : JSON.stringify(answer.body);
      outgoing.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json', ...answer.headers });
      outgoing.end(text);
    });
  };
  const server = tls ? createTlsServer(tls, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on which nothing listens: a port that was free a moment ago. */
export async function unusedUrl(): Promise<string> {
  const server = await startFakeServer(() => ({}));
  await server.close();
  return server.url;
}
