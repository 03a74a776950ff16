import { randomBytes } from 'node:crypto';
import { needsNode, parseMetadataPath, renderMetadata, writeMethodFor, type MetadataPath } from '@ironic-metadata/formatters';
import type { Logger } from '@ironic-metadata/logging';
import type { MetadataService } from './metadata-service';
import { TOKEN_TTL_MAX_SECONDS, TOKEN_TTL_MIN_SECONDS, type SessionTokens } from './session-tokens';

/** A metadata request, independent of the HTTP framework that received it. */
export interface MetadataRequest {
  method: string;
  /** The URL path without the query string. */
  path: string;
  /** The address the client is identified by. */
  clientIp: string;
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
}

/** Exactly what goes back: the server sends it, the CLI's `render` prints it. */
export interface MetadataReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ResponderOptions {
  /** Refuse EC2 requests that carry no IMDSv2 session token. */
  imdsTokenRequired: boolean;
  now?: () => Date;
}

export const TOKEN_HEADER = 'x-aws-ec2-metadata-token';
export const TOKEN_TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';
const TEXT = 'text/plain; charset=utf-8';

/**
 * Nova's and EC2's HTTP semantics over the formatters: which methods a path takes, IMDSv2 tokens,
 * who the client is, and the rendered file.
 */
export class MetadataResponder {
  private readonly now: () => Date;

  constructor(
    private readonly service: MetadataService,
    private readonly tokens: SessionTokens,
    private readonly options: ResponderOptions,
    private readonly logger: Logger,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async respond(request: MetadataRequest): Promise<MetadataReply> {
    const path = parseMetadataPath(request.path, { now: this.now() });
    if (!('tree' in path)) return text(404, `Not found: ${path.reason}`);
    const writeMethod = writeMethodFor(path);
    const allowed = writeMethod ? ['GET', 'HEAD', writeMethod] : ['GET', 'HEAD'];
    if (!allowed.includes(request.method)) {
      return { ...text(405, `Method ${request.method} is not allowed on ${request.path}; use ${allowed.join(', ')}`), headers: { 'content-type': TEXT, allow: allowed.join(', ') } };
    }
    if (request.method === 'PUT') return this.issueToken(request);
    if (request.method === 'POST') return this.storePassword(request);
    if (path.tree === 'ec2' || path.tree === 'ec2-root') {
      const refused = this.checkToken(request);
      if (refused) return refused;
    }
    return this.render(path, request);
  }

  private async render(path: MetadataPath, request: MetadataRequest): Promise<MetadataReply> {
    const context = { now: this.now(), randomSeed: randomBytes(512).toString('base64') };
    if (!needsNode(path)) return reply(renderMetadata(path, undefined, context));
    const client = await this.service.forClient(request.clientIp);
    if (!client.found) {
      const refused = text(client.status, client.status === 404 ? `Not found: ${client.reason}` : `Service unavailable: ${client.reason}`);
      if (client.status === 503) refused.headers['retry-after'] = '5';
      return refused;
    }
    return reply(renderMetadata(path, client.metadata, context));
  }

  /** AWS: `PUT /latest/api/token` with a TTL of 1 to 21600 s; never through a forwarding proxy. */
  private issueToken(request: MetadataRequest): MetadataReply {
    if (request.header('x-forwarded-for') !== undefined) {
      return text(403, 'Forbidden: IMDSv2 session tokens are not issued to requests that carry X-Forwarded-For');
    }
    const ttlText = request.header(TOKEN_TTL_HEADER);
    const ttl = ttlText !== undefined && /^\d+$/.test(ttlText.trim()) ? Number(ttlText) : NaN;
    if (!(ttl >= TOKEN_TTL_MIN_SECONDS && ttl <= TOKEN_TTL_MAX_SECONDS)) {
      return text(400, `Bad request: the ${TOKEN_TTL_HEADER} header must be a whole number from ${TOKEN_TTL_MIN_SECONDS} to ${TOKEN_TTL_MAX_SECONDS}`);
    }
    const token = this.tokens.issue(request.clientIp, ttl);
    return { status: 200, headers: { 'content-type': TEXT, [TOKEN_TTL_HEADER]: String(ttl) }, body: Buffer.from(token) };
  }

  private checkToken(request: MetadataRequest): MetadataReply | undefined {
    const token = request.header(TOKEN_HEADER);
    if (token === undefined) {
      return this.options.imdsTokenRequired ? text(401, `Unauthorized: an IMDSv2 session token is required; PUT /latest/api/token first`) : undefined;
    }
    const check = this.tokens.check(token, request.clientIp);
    if (check === 'valid') return undefined;
    this.logger.info('IMDSv2 token refused', { clientIp: request.clientIp, check });
    return text(401, `Unauthorized: the IMDSv2 session token is ${check === 'wrong-client' ? 'for another client' : check}; PUT /latest/api/token for a new one`);
  }

  private storePassword(_request: MetadataRequest): MetadataReply {
    return text(403, 'Forbidden: this service stores no instance passwords: it has no write access to Ironic');
  }
}

function reply(rendered: ReturnType<typeof renderMetadata>): MetadataReply {
  if (rendered.status === 404) return text(404, `Not found: ${rendered.reason}`);
  return { status: 200, headers: { 'content-type': rendered.contentType }, body: rendered.body };
}

function text(status: number, message: string): MetadataReply {
  return { status, headers: { 'content-type': TEXT }, body: Buffer.from(`${message}\n`) };
}
