// Before the decorators below: they record their parameters' types through Reflect.metadata.
import 'reflect-metadata';
import { hash, randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { TYPES } from '@ironic-metadata/container';
import type { Logger } from '@ironic-metadata/logging';
import type { CidrList } from '@ironic-metadata/config';
import { routeFamilyOf, type RouteFamily } from '@ironic-metadata/formatters';
import {
  clientIdentity,
  refuse,
  refusalReply,
  type AllowedClients,
  type ClientIdentity,
  type MetadataReply,
  type MetadataResponder,
  type Refusal,
} from '@ironic-metadata/metadata';
import { inject, injectable } from 'inversify';
import { SERVICE_METRICS, type ServiceMetrics } from './service-metrics';

/** Only POST `password` has a body, of at most 1020 bytes; the responder says so past that. */
const MAX_BODY_BYTES = 4 * 1024;

/** A request the listener refuses itself, before or while it reads the body. */
class RefusedRequest extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.reason);
  }
}

/**
 * The nodes' listener: request ids, client address, access log and metrics around the responder.
 * A plain node:http handler: in a boot storm, a framework's router and response helpers cost a
 * quarter of the bytes allocated and a tenth of the time of each request (tools/bench).
 */
@injectable()
export class MetadataListener {
  constructor(
    @inject(TYPES.MetadataResponder) private readonly responder: MetadataResponder,
    @inject(TYPES.TrustedProxies) private readonly trustedProxies: CidrList,
    @inject(TYPES.AllowedClients) private readonly allowedClients: AllowedClients,
    @inject(SERVICE_METRICS) private readonly metrics: ServiceMetrics,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  readonly handle: RequestListener = (request, response) => {
    const started = performance.now();
    const requestId = randomUUID();
    const path = pathOf(request.url ?? '/');
    const client = clientIdentity(request.socket.remoteAddress ?? '', (name) => headerValue(request, name), this.trustedProxies);
    const clientIp = client.address;
    if (client.forgedForwarding) this.metrics.forgedForwarding();
    response.setHeader('x-request-id', requestId);
    // The responder's reply names its route family; a request refused before it is asked is counted the same way.
    const counted: { family?: RouteFamily } = {};
    response.once('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      this.metrics.request(counted.family ?? routeFamilyOf(path, { now: new Date() }), response.statusCode, seconds);
      // Building the log entry costs as much as some answers: skip it when nobody reads it.
      if (this.logger.isLevelEnabled('http')) {
        this.logger.http('request', { requestId, method: request.method, path, status: response.statusCode, clientIp, ms: seconds * 1000 });
      }
    });
    this.answer(request, response, path, client, counted).catch((error: Error) => this.fail(response, path, error));
  };

  private async answer(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    client: ClientIdentity,
    counted: { family?: RouteFamily },
  ): Promise<void> {
    // Before the body is read or any node looked up.
    if (!this.allowedClients.admits(client.address))
      throw new RefusedRequest(refuse(403, `${client.address} is not among the clients this service answers (ALLOWED_CLIENTS)`));
    const body = request.method === 'POST' ? await readBody(request) : undefined;
    const reply = await this.responder.respond({
      method: request.method ?? 'GET',
      path,
      clientIp: client.address,
      clientForwardedFor: client.clientForwardedFor,
      header: (name) => headerValue(request, name),
      body,
    });
    counted.family = reply.family;
    send(request, response, reply);
  }

  /** Never a stack trace in a response: the log gets the details, the client a plain line. */
  private fail(response: ServerResponse, path: string, error: Error): void {
    if (!(error instanceof RefusedRequest)) this.logger.error('request failed', { path, error: error.stack ?? error.message });
    if (response.headersSent) {
      response.destroy();
      return;
    }
    writeReply(response, refusalReply(error instanceof RefusedRequest ? error.refusal : refuse(500)));
  }
}

/** The path of an origin-form target (`/a/b?x`), or of an absolute-form one (`http://host/a/b`), as a proxy may send. */
function pathOf(target: string): string {
  if (!target.startsWith('/')) return URL.canParse(target) ? new URL(target).pathname : target;
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

/** A header as one string (Node joins repeated ones with `, `, except set-cookie, which no client sends here). */
function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The body, up to MAX_BODY_BYTES; past that, 413 without reading the rest. */
function readBody(request: IncomingMessage): Promise<Buffer> {
  const tooLarge = () => new RefusedRequest(refuse(413, `a body of at most ${MAX_BODY_BYTES} bytes`));
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_BODY_BYTES) {
        request.removeAllListeners('data');
        request.resume();
        reject(tooLarge());
      } else {
        chunks.push(chunk);
      }
    });
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', (error) => reject(new RefusedRequest(refuse(400, `the body could not be read (${error.message})`))));
  });
}

/**
 * The reply as it is, with a strong ETag on a 200 and a 304 to a client that has it; none on a body
 * new on every read (an OpenStack `meta_data.json`: Nova puts a new `random_seed` in every read,
 * Grizzly and later, nova/api/metadata/base.py), whose SHA-1 would cost each request and spare no
 * client a byte (tools/bench).
 */
function send(request: IncomingMessage, response: ServerResponse, reply: MetadataReply): void {
  if (reply.status === 200 && !reply.freshOnEveryRead) {
    const etag = `"${reply.body.length.toString(16)}-${hash('sha1', reply.body, 'base64url')}"`;
    response.setHeader('etag', etag);
    if (clientHas(request.headers['if-none-match'], etag)) {
      response.writeHead(304).end();
      return;
    }
  }
  writeReply(response, reply);
}

/** The status, the headers with the body's Content-Length, and the body (Node's server leaves it out of an answer to HEAD). */
function writeReply(response: ServerResponse, reply: Pick<MetadataReply, 'status' | 'headers' | 'body'>): void {
  response.writeHead(reply.status, Object.assign({}, reply.headers, { 'content-length': reply.body.length })).end(reply.body);
}

/** RFC 9110 If-None-Match: `*`, or a list of tags compared weakly. */
function clientHas(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
