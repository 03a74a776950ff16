import {
  type InstanceMetadata,
  type MetadataPath,
  type Route,
  type RouteFamily,
  type RouteResolve,
  type RouteWrite,
} from '@ironic-metadata/formatters';
import type { Logger } from '@ironic-metadata/logging';
import { ReadOnlySourceError } from '@ironic-metadata/node-discovery';
import { validInstanceIdSignature } from './identity/proxy-signature';
import { MetadataRenderer, type RenderedFile } from './metadata-renderer';
import type { ClientRateLimiter } from './guards/rate-limiter';
import { refuse, refusalReply, TEXT_PLAIN_UTF8, unavailable, type Refusal } from './refusal';
import { RoutedPaths, type PathVerdict } from './guards/routed-paths';
import { TOKEN_TTL_MAX_SECONDS, TOKEN_TTL_MIN_SECONDS, type SessionTokens, type TokenCheck } from './guards/session-tokens';
import { VendorDataError } from './vendor-data-error';

/** A metadata request, independent of the HTTP framework that received it. */
export interface MetadataRequest {
  method: string;
  /** The URL path without the query string. */
  path: string;
  /** The address the client is identified by. */
  clientIp: string;
  /** The X-Forwarded-For entries the client itself sent (ClientIdentity.clientForwardedFor); none when absent. */
  clientForwardedFor?: readonly string[];
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
  /** The request body, for POST `password`. */
  body?: Buffer;
}

/** Exactly what goes back: the server sends it, the CLI's `render` prints it. */
export interface MetadataReply {
  status: number;
  /** The route family the request counts under in metrics (`ROUTES`), also when it is refused. */
  family: RouteFamily;
  headers: Record<string, string>;
  body: Buffer;
  /** True when the body is new on every read (Nova's `random_seed` in `meta_data.json`): an ETag of it could never match. */
  freshOnEveryRead?: boolean;
}

/**
 * The instances the responder answers for, as much as it uses of them (MetadataService is the one
 * the service runs): the instance behind a client address, the one a proxy names by X-Instance-ID,
 * and storing the password an instance POSTs.
 */
export interface InstanceDirectory {
  forClient(clientIp: string): Promise<InstanceAnswer>;
  forInstance(instanceId: string): InstanceAnswer;
  /** Throws ReadOnlySourceError where the nodes cannot be written (an inventory file). */
  storePassword(nodeUuid: string, password: string): Promise<void>;
}

/** An instance's metadata, or why there is none for this client (404, 403, or 503 to retry). */
export type InstanceAnswer = { found: true; metadata: InstanceMetadata } | ({ found: false } & Refusal);

/**
 * Vendor data asked per instance, as Nova's vendor data providers are (nova/api/metadata/vendordata.py):
 * `applyTo` gives the instance's metadata with the provider's documents in `vendor_data2.json`.
 * DynamicVendorData is Nova's DynamicJSON one. Rejects with VendorDataError to fail the request.
 */
export interface VendorDataProvider {
  applyTo(md: InstanceMetadata): Promise<InstanceMetadata>;
}

/** What the responder counts, for whoever keeps metrics (the server's Prometheus registry). */
export interface ResponderMetrics {
  rateLimited(): void;
  badProxySignature(): void;
  badToken(reason: Exclude<TokenCheck, 'valid'>): void;
}

export interface ResponderOptions {
  /**
   * Refuse EC2 requests that carry no valid IMDSv2 session token (401). When false, a request without
   * a token is answered as IMDSv1, and so is one whose token this replica cannot judge (no shared keys).
   */
  imdsTokenRequired: boolean;
  /** Store instance passwords POSTed to `password` (METADATA_PASSWORD_WRITE). */
  passwordWrite: boolean;
  /** Nova's DynamicJSON targets for `vendor_data2.json`, when configured. */
  dynamicVendorData?: VendorDataProvider;
  /** Nova's proxy mode: requests carrying X-Instance-ID signed with this secret name their instance. */
  proxySharedSecret?: string;
  rateLimiter?: ClientRateLimiter;
  /** Counts refused tokens, proxy signatures and rate-limited requests. */
  metrics?: ResponderMetrics;
  now?: () => Date;
}

/** Nova's limit on a stored password: four chunks of 255 bytes (nova/api/metadata/password.py). */
export const PASSWORD_MAX_BYTES = 4 * 255;

export const TOKEN_HEADER = 'x-aws-ec2-metadata-token';
export const TOKEN_TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';

/**
 * Nova's and EC2's HTTP semantics over the formatters: which methods a path takes, IMDSv2 tokens,
 * who the client is, and the rendered file.
 */
export class MetadataResponder {
  private readonly now: () => Date;
  private readonly renderer = new MetadataRenderer();
  private readonly paths = new RoutedPaths();

  constructor(
    private readonly instances: InstanceDirectory,
    private readonly tokens: SessionTokens,
    private readonly options: ResponderOptions,
    private readonly logger: Logger,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * The request's route (formatters' `ROUTES`) drives one pipeline: the path guard and rate limit,
   * a proxy's signed headers (Nova checks them before it looks the path up), the method check, the
   * route's write by name, the IMDSv2 token check, the asking instance, the route's per-instance
   * data, then the rendered file.
   */
  async respond(request: MetadataRequest): Promise<MetadataReply> {
    const verdict = this.paths.verdict(request.path, this.now());
    const answer = await this.answer(request, verdict);
    return Object.assign({}, answer, { family: verdict.routed.family });
  }

  private async answer(request: MetadataRequest, { refused, routed }: PathVerdict): Promise<Answer> {
    if (refused) return refusalReply(refused);
    if (this.options.rateLimiter && !this.options.rateLimiter.allow(this.rateKey(request))) {
      this.options.metrics?.rateLimited();
      return refusalReply(refuse(429, 'this client asks too often; slow down', { 'retry-after': '1' }));
    }
    // Nova's `_handle_instance_id_request` runs before the path lookup: a bad signature is 403 and a
    // missing header 400 whatever the path and method. Public routes never ask who the instance is.
    const proxied = 'route' in routed && routed.route.scope === 'public' ? undefined : this.proxiedInstance(request);
    if (proxied && 'status' in proxied) return refusalReply(proxied);
    if ('notFound' in routed) return refusalReply(refuse(404, routed.notFound.reason));
    const { path, route } = routed;
    if (!(route.methods as readonly string[]).includes(request.method)) return wrongMethod(request, route);
    if (request.method !== 'GET' && request.method !== 'HEAD' && route.write) return this.writes[route.write](request, proxied);
    if (route.imdsSession) {
      const refused = this.checkToken(request);
      if (refused) return refused;
    }
    return this.render(path, route, request, proxied);
  }

  /** The handler of each write a route names. */
  private readonly writes: Record<RouteWrite, (request: MetadataRequest, proxied?: ProxiedInstance) => Answer | Promise<Answer>> = {
    'store-password': (request, proxied) => this.storePassword(request, request.body ?? Buffer.alloc(0), proxied),
    'issue-token': (request) => this.issueToken(request),
  };

  private async render(path: MetadataPath, route: Route, request: MetadataRequest, proxied?: ProxiedInstance): Promise<Answer> {
    if (route.scope === 'public') return reply(this.renderer.render(path, undefined, this.now()));
    const client = await this.identify(request, proxied);
    if (!client.found) return refusalReply(client);
    // Only a seeded file is kept (MetadataRenderer): measured at 10,000 nodes, keeping every rendered
    // reply per instance and path cost 330 MiB and 10% of the requests a second (tools/bench).
    const metadata = route.resolve ? await this.resolvers[route.resolve](client.metadata) : client.metadata;
    if ('status' in metadata) return metadata;
    return reply(this.renderer.render(path, metadata, this.now()));
  }

  /** The per-instance data each route may need before it renders, or the answer when it cannot be had. */
  private readonly resolvers: Record<RouteResolve, (metadata: InstanceMetadata) => Promise<InstanceMetadata | Answer>> = {
    'dynamic-vendor-data': (metadata) => this.withDynamicVendorData(metadata),
  };

  /** `vendor_data2.json` with Nova's DynamicJSON answers, asked per instance (and cached by the asker). */
  private async withDynamicVendorData(metadata: InstanceMetadata): Promise<InstanceMetadata | Answer> {
    const dynamic = this.options.dynamicVendorData;
    if (!dynamic) return metadata;
    try {
      return await dynamic.applyTo(metadata);
    } catch (error) {
      if (!(error instanceof VendorDataError)) throw error;
      this.logger.error('vendor data failed', { node: metadata.nodeUuid, error: error.message });
      return refusalReply(refuse(500, 'a vendor data target failed; see the service log'));
    }
  }

  /** A proxy's requests share its address: limit each instance it speaks for instead. */
  private rateKey(request: MetadataRequest): string {
    const instanceId = this.options.proxySharedSecret ? request.header('x-instance-id') : undefined;
    return instanceId === undefined ? request.clientIp : `instance ${instanceId}`;
  }

  /**
   * Which instance is asking: the one a proxy named by a signed X-Instance-ID (`proxiedInstance`,
   * checked before), else the one found from the client address.
   */
  private async identify(request: MetadataRequest, proxied: ProxiedInstance | undefined): Promise<InstanceAnswer> {
    if (proxied === undefined) return this.instances.forClient(request.clientIp);
    const client = this.instances.forInstance(proxied.instanceId);
    if (client.found && client.metadata.projectId !== undefined && client.metadata.projectId !== proxied.tenantId) {
      this.logger.warn('proxied request for an instance of another project refused', {
        instanceId: proxied.instanceId,
        tenant: proxied.tenantId,
      });
      return { found: false, ...refuse(404, `no instance ${proxied.instanceId} in project ${proxied.tenantId}`) };
    }
    return client;
  }

  /**
   * Nova's `_handle_instance_id_request`: in proxy mode, a request carrying X-Instance-ID names its
   * instance, refused with 400 for missing or repeated headers and 403 for a bad signature. Undefined
   * when the request is not proxied (no shared secret, or no X-Instance-ID).
   */
  private proxiedInstance(request: MetadataRequest): ProxiedInstance | Refusal | undefined {
    const secret = this.options.proxySharedSecret;
    if (secret === undefined || request.header('x-instance-id') === undefined) return undefined;
    const headers: Record<string, string> = {};
    for (const name of ['X-Instance-ID', 'X-Tenant-ID', 'X-Instance-ID-Signature']) {
      const value = request.header(name.toLowerCase());
      if (value === undefined || value.trim() === '') return refuse(400, `the ${name} header is missing from the proxied request`);
      // Node joins a repeated header with ", "; none of these values has a comma of its own.
      if (value.includes(',')) return refuse(400, `the ${name} header is given more than once`);
      headers[name] = value.trim();
    }
    const instanceId = headers['X-Instance-ID'];
    if (!validInstanceIdSignature(instanceId, headers['X-Instance-ID-Signature'], secret)) {
      this.logger.warn('proxied request with an invalid X-Instance-ID-Signature refused', { instanceId, proxy: request.clientIp });
      this.options.metrics?.badProxySignature();
      return refuse(403, 'invalid proxy request signature');
    }
    return { instanceId, tenantId: headers['X-Tenant-ID'] };
  }

  /**
   * AWS: `PUT /latest/api/token` with a TTL of 1 to 21600 s, refused when X-Forwarded-For is present,
   * so that a proxy on the instance cannot fetch tokens for whoever reaches it. Here only what the
   * client itself sent counts: the hops our trusted proxies added are not the client relaying anyone.
   */
  private issueToken(request: MetadataRequest): Answer {
    if ((request.clientForwardedFor ?? []).length > 0) {
      this.logger.info('IMDSv2 token refused to a client that relays others', {
        clientIp: request.clientIp,
        forwardedFor: request.clientForwardedFor?.join(', '),
      });
      return refusalReply(
        refuse(403, 'IMDSv2 session tokens are not issued to requests the client forwarded for someone else (X-Forwarded-For)'),
      );
    }
    const ttlText = request.header(TOKEN_TTL_HEADER);
    const ttl = ttlText !== undefined && /^\d+$/.test(ttlText.trim()) ? Number(ttlText) : NaN;
    if (!(ttl >= TOKEN_TTL_MIN_SECONDS && ttl <= TOKEN_TTL_MAX_SECONDS)) {
      return refusalReply(
        refuse(400, `the ${TOKEN_TTL_HEADER} header must be a whole number from ${TOKEN_TTL_MIN_SECONDS} to ${TOKEN_TTL_MAX_SECONDS}`),
      );
    }
    const token = this.tokens.issue(request.clientIp, ttl);
    return { status: 200, headers: { 'content-type': TEXT_PLAIN_UTF8, [TOKEN_TTL_HEADER]: String(ttl) }, body: Buffer.from(token) };
  }

  private checkToken(request: MetadataRequest): Answer | undefined {
    const token = request.header(TOKEN_HEADER);
    if (token === undefined) {
      return this.options.imdsTokenRequired
        ? refusalReply(refuse(401, 'an IMDSv2 session token is required; PUT /latest/api/token first'))
        : undefined;
    }
    const check = this.tokens.check(token, request.clientIp);
    if (check === 'valid') return undefined;
    this.options.metrics?.badToken(check);
    // Where tokens are optional and this process signs with a key of its own, a token it cannot
    // verify may be another replica's or its own before a restart: the client would be answered
    // without one, so it is answered as IMDSv1. Under shared keys an unverifiable token is bad: 401.
    if (!this.options.imdsTokenRequired && !this.tokens.shared) return undefined;
    this.logger.info('IMDSv2 token refused', { clientIp: request.clientIp, check });
    return refusalReply(
      refuse(
        401,
        `the IMDSv2 session token is ${check === 'expired' ? 'expired' : 'invalid or for another client'}; PUT /latest/api/token for a new one`,
      ),
    );
  }

  /** Nova's POST `password`: 404 for no instance, 409 once set, 400 above 1020 bytes. */
  private async storePassword(request: MetadataRequest, password: Buffer, proxied?: ProxiedInstance): Promise<Answer> {
    const client = await this.identify(request, proxied);
    if (!client.found) return refusalReply(client);
    if (!this.options.passwordWrite) {
      return refusalReply(
        refuse(
          403,
          "storing instance passwords is off; set METADATA_PASSWORD_WRITE=true (this service's Ironic user must be allowed to PATCH nodes)",
        ),
      );
    }
    if (client.metadata.password) return refusalReply(refuse(409, 'the password is already set, and an instance sets it once'));
    if (password.length > PASSWORD_MAX_BYTES) return refusalReply(refuse(400, `the password is larger than ${PASSWORD_MAX_BYTES} bytes`));
    try {
      await this.instances.storePassword(client.metadata.nodeUuid, password.toString('utf8'));
    } catch (error) {
      if (error instanceof ReadOnlySourceError) return refusalReply(refuse(403, error.message));
      this.logger.error('storing the instance password failed', { node: client.metadata.nodeUuid, error: (error as Error).message });
      return refusalReply(unavailable('Ironic did not store the password; try again'));
    }
    return { status: 200, headers: { 'content-type': TEXT_PLAIN_UTF8 }, body: Buffer.alloc(0) };
  }
}

/** A reply before the route family is added to it. */
type Answer = Omit<MetadataReply, 'family'>;

/** The instance and project a proxy named in signed headers (Nova's proxy mode), checked. */
interface ProxiedInstance {
  instanceId: string;
  tenantId: string;
}

/**
 * A method the route does not take: 405 with Allow, or what the route says instead (Nova's 400 on
 * `password`, naming the methods it takes besides HEAD).
 */
function wrongMethod(request: MetadataRequest, route: Route): Answer {
  const allowed = route.methods.join(', ');
  if (route.onOtherMethod === 400) {
    return refusalReply(refuse(400, `${request.path} takes ${route.methods.filter((method) => method !== 'HEAD').join(' and ')} only`));
  }
  return refusalReply(refuse(405, `${request.method} is not allowed on ${request.path}; use ${allowed}`, { allow: allowed }));
}

function reply(rendered: RenderedFile): Answer {
  if (rendered.status === 404) return refusalReply(refuse(404, rendered.reason));
  return {
    status: 200,
    headers: { 'content-type': rendered.contentType },
    body: rendered.body,
    ...(rendered.freshOnEveryRead ? { freshOnEveryRead: true } : {}),
  };
}
