import { CLIENT_MAX_API_VERSION, parseApiVersion, type ApiVersion } from './api-version';
import { silentLogger, type IronicClientLogger } from './logger';

/**
 * Ironic's `auth_strategy = noauth`.
 *
 * @public
 */
export interface NoAuthOptions {
  type: 'none';
}

/**
 * Ironic's `auth_strategy = http_basic` (a bcrypt htpasswd file on the server side).
 *
 * @public
 */
export interface HttpBasicAuthOptions {
  type: 'http_basic';
  username: string;
  password: string;
}

/**
 * Which of the catalog's endpoints of the `baremetal` service to use.
 *
 * @public
 */
export type EndpointInterface = 'public' | 'internal' | 'admin';

/**
 * Keystone v3 password authentication, scoped to a project (the `OS_*` variables of the OpenStack CLI).
 *
 * @public
 */
export interface KeystoneAuthOptions {
  type: 'keystone';
  /** Keystone's URL, with or without `/v3` (`OS_AUTH_URL`). */
  authUrl: string;
  username: string;
  password: string;
  /** Scope by project name (with {@link projectDomainName}) ... */
  projectName?: string;
  /** ... or by project id. One of the two is required. */
  projectId?: string;
  userDomainName: string;
  projectDomainName: string;
  /** Only catalog endpoints of this region are considered (`OS_REGION_NAME`). */
  regionName?: string;
  /** Default `public` (`OS_INTERFACE`). */
  interface?: EndpointInterface;
}

/**
 * How the client authenticates: `none` (noauth), `http_basic`, or `keystone` (v3 password).
 *
 * @public
 */
export type IronicAuthOptions = NoAuthOptions | HttpBasicAuthOptions | KeystoneAuthOptions;

/**
 * TLS to Ironic and Keystone: PEM text (or its bytes), as `node:tls` takes it; the OpenStack CLI reads
 * these from the files `OS_CACERT`, `OS_CERT` and `OS_KEY` name.
 *
 * @public
 */
export interface IronicTlsOptions {
  /** CA certificates trusted instead of Node's store, for `https://` endpoints signed by a private CA. */
  ca?: string | Buffer;
  /** A client certificate, for a server that asks for one. */
  cert?: string | Buffer;
  /** The client certificate's private key; its certificate's PEM is read for one when not given. */
  key?: string | Buffer;
}

/**
 * Everything {@link IronicClient} can be told. Only `endpoint` (or Keystone auth) is required.
 *
 * @public
 */
export interface IronicClientOptions {
  /**
   * The Ironic API, e.g. `http://127.0.0.1:6385`, with or without `/v1`. Optional with Keystone auth:
   * the `baremetal` endpoint of the token's catalog is used when this is not given.
   */
  endpoint?: string;
  /** Default `{type: 'none'}`. */
  auth?: IronicAuthOptions;
  /** Default: Node's CA store and no client certificate. */
  tls?: IronicTlsOptions;
  /** Time limit for each HTTP exchange, connection included. Default 10000. */
  timeoutMs?: number;
  /** How many times a failed request is repeated (connection errors, time-outs, 5xx). Default 3. */
  retries?: number;
  /** First back-off delay; it doubles with each retry, with jitter. Default 200. */
  retryBaseDelayMs?: number;
  /** Items asked for per page when listing. Default 100 (Ironic caps it at its `[api]max_limit`). */
  pageSize?: number;
  /** Highest API version to use, e.g. to pin an older behaviour. Default {@link CLIENT_MAX_API_VERSION}. */
  maxVersion?: string;
  logger?: IronicClientLogger;
  /** Told of every exchange with Ironic once it is over, e.g. to export latency and error metrics. */
  observer?: ExchangeObserver;
}

/**
 * One request to Ironic, retries included, as the observer hears of it.
 *
 * @public
 */
export interface ExchangeEvent {
  method: string;
  /** The path without query, e.g. `/v1/nodes`. */
  path: string;
  /** Ironic's answer; undefined when none came. */
  status?: number;
  durationMs: number;
  /** The error's class name when the exchange failed (`IronicConnectionError`, ...). */
  error?: string;
}

/**
 * Called once per HTTP exchange with Ironic or Keystone, e.g. to count or log them; must not throw.
 *
 * @public
 */
export type ExchangeObserver = (event: ExchangeEvent) => void;

/** Options after defaults and checks. */
export interface ResolvedOptions {
  endpoint: string | undefined;
  auth: IronicAuthOptions;
  tls: IronicTlsOptions | undefined;
  timeoutMs: number;
  retries: number;
  retryBaseDelayMs: number;
  pageSize: number;
  maxVersion: ApiVersion;
  logger: IronicClientLogger;
  observer: ExchangeObserver | undefined;
}

/** Applies defaults and rejects options that cannot work, each with a message naming the option. */
export function resolveOptions(options: IronicClientOptions): ResolvedOptions {
  const auth = options.auth ?? { type: 'none' };
  if (!options.endpoint && auth.type !== 'keystone') {
    throw new RangeError('IronicClient: endpoint is required (e.g. http://127.0.0.1:6385) unless auth is keystone');
  }
  if (options.endpoint) checkHttpUrl(options.endpoint, 'endpoint');
  if (auth.type === 'keystone') {
    checkHttpUrl(auth.authUrl, 'auth.authUrl');
    if (!auth.projectName && !auth.projectId) {
      throw new RangeError('IronicClient: keystone auth needs auth.projectName or auth.projectId (a project-scoped token)');
    }
  }
  return {
    endpoint: options.endpoint,
    auth,
    tls: options.tls,
    timeoutMs: positiveInteger(options.timeoutMs ?? 10_000, 'timeoutMs'),
    retries: nonNegativeInteger(options.retries ?? 3, 'retries'),
    retryBaseDelayMs: nonNegativeInteger(options.retryBaseDelayMs ?? 200, 'retryBaseDelayMs'),
    pageSize: positiveInteger(options.pageSize ?? 100, 'pageSize'),
    maxVersion: parseApiVersion(options.maxVersion ?? CLIENT_MAX_API_VERSION, 'IronicClient: maxVersion'),
    logger: options.logger ?? silentLogger,
    observer: options.observer,
  };
}

function checkHttpUrl(value: string, name: string): void {
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    throw new RangeError(`IronicClient: ${name} "${value}" is not a URL (expected e.g. http://127.0.0.1:6385)`);
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new RangeError(`IronicClient: ${name} "${value}" must be an http:// or https:// URL`);
  }
}

/** Checks a number given by the caller; exported for the per-call options (page sizes, limits). */
export function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`IronicClient: ${name} must be a positive integer, got ${value}`);
  return value;
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`IronicClient: ${name} must be an integer >= 0, got ${value}`);
  return value;
}
