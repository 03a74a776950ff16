import { z } from 'zod';
import { compareApiVersions, formatApiVersion, lowerApiVersion, parseApiVersion, type ApiVersion } from './api-version';
import type { AuthCredentials, AuthProvider } from './auth/auth-provider';
import { explainErrorBody } from './error-body';
import { IronicApiError, IronicAuthError, IronicResponseError, IronicVersionError, type RequestTarget } from './errors';
import type { HttpAnswer, HttpMethod, HttpTransport } from './http-transport';
import { readJsonBody } from './json-body';
import type { ResolvedOptions } from './options';

/**
 * The header that selects the microversion, on every versioned request.
 *
 * @public
 */
export const API_VERSION_HEADER = 'X-OpenStack-Ironic-API-Version';

export type QueryValue = string | number | boolean | undefined;

export interface SessionRequest {
  method: HttpMethod;
  /** Path below `/v1`, e.g. `/nodes/detail`. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
}

/** One request as sent: the versioned ones carry the version header, the root document none. */
interface Exchange {
  method: HttpMethod;
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  versionHeaders: Record<string, string>;
}

/** A successful answer with its body parsed as JSON (undefined when empty). */
export interface SessionAnswer {
  method: HttpMethod;
  url: string;
  status: number;
  body: unknown;
}

const versionSchema = z.looseObject({ version: z.string(), min_version: z.string().optional() });
const rootDocumentSchema = z.looseObject({
  default_version: versionSchema.optional(),
  versions: z.array(versionSchema.extend({ id: z.string().optional() })).optional(),
});

/**
 * A conversation with one Ironic: where it is, how to authenticate, which microversion to speak, and
 * what an error status means. Resource paths and shapes are {@link IronicClient}'s business.
 */
export class ApiSession {
  private negotiated?: ApiVersion;
  private negotiation?: Promise<ApiVersion>;
  private lastBaseUrl?: string;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly transport: HttpTransport,
    private readonly auth: AuthProvider,
  ) {}

  /** The microversion in use, once negotiated. */
  get version(): ApiVersion | undefined {
    return this.negotiated;
  }

  /** Reads the server's supported range from `GET /` once; later calls share the result. A failure is not cached. */
  negotiate(): Promise<ApiVersion> {
    if (this.negotiated) return Promise.resolve(this.negotiated);
    this.negotiation ??= this.discoverVersion().then(
      (version) => (this.negotiated = version),
      (error: unknown) => {
        this.negotiation = undefined;
        throw error;
      },
    );
    return this.negotiation;
  }

  /** Sends a versioned request under `/v1`; throws a typed error for anything but a 2xx answer. */
  async request(request: SessionRequest): Promise<SessionAnswer> {
    const version = formatApiVersion(await this.negotiate());
    return this.exchange({
      method: request.method,
      path: `/v1${request.path}`,
      query: request.query,
      body: request.body,
      versionHeaders: { [API_VERSION_HEADER]: version },
    });
  }

  /** The URL a request would go to, for errors about requests that are never sent. */
  urlFor(path: string, query?: Record<string, QueryValue>): string {
    return buildUrl(this.lastBaseUrl ?? '', `/v1${path}`, query);
  }

  /** Throws when the negotiated version is below `minor` (1.minor) for `feature`. */
  requireVersion(minor: number, feature: string, method: HttpMethod, path: string, query?: Record<string, QueryValue>): void {
    const version = this.negotiated;
    if (!version || version.minor >= minor) return;
    throw new IronicVersionError(method, this.urlFor(path, query), feature, `1.${minor}`, formatApiVersion(version));
  }

  private async discoverVersion(): Promise<ApiVersion> {
    // The root document is not versioned: it is the same whatever version header is sent.
    const answer = await this.exchange({ method: 'GET', path: '/', versionHeaders: {} });
    const parsed = rootDocumentSchema.safeParse(answer.body);
    const document = parsed.success ? (parsed.data.default_version ?? parsed.data.versions?.find((v) => v.id === 'v1')) : undefined;
    if (!document) {
      throw new IronicResponseError('GET', answer.url, answer.status, ['the root document has no default_version.version']);
    }
    const serverMax = parseApiVersion(document.version, `Ironic at ${answer.url}: maximum version`);
    const serverMin = parseApiVersion(document.min_version ?? '1.1', `Ironic at ${answer.url}: minimum version`);
    const version = lowerApiVersion(serverMax, this.options.maxVersion);
    if (compareApiVersions(version, serverMin) < 0) {
      throw new IronicVersionError('GET', answer.url, 'this server', formatApiVersion(serverMin), formatApiVersion(version));
    }
    this.options.logger.info('Ironic API version negotiated', {
      url: answer.url,
      version: formatApiVersion(version),
      serverMin: formatApiVersion(serverMin),
      serverMax: formatApiVersion(serverMax),
    });
    return version;
  }

  /** One exchange, reported to the observer (if any) once it is over, however it ended. */
  private async exchange(exchange: Exchange): Promise<SessionAnswer> {
    const observer = this.options.observer;
    if (!observer) return this.exchangeOnce(exchange);
    const { method, path } = exchange;
    const started = performance.now();
    try {
      const answer = await this.exchangeOnce(exchange);
      observer({ method, path, status: answer.status, durationMs: performance.now() - started });
      return answer;
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      observer({
        method,
        path,
        status: typeof status === 'number' ? status : undefined,
        durationMs: performance.now() - started,
        error: (error as Error).name,
      });
      throw error;
    }
  }

  private async exchangeOnce({ method, path, query, body, versionHeaders }: Exchange): Promise<SessionAnswer> {
    const send = async (credentials: AuthCredentials) => {
      const { baseUrl, target } = this.locate(credentials);
      const url = buildUrl(baseUrl, path, query);
      const headers = Object.assign({}, versionHeaders, credentials.headers);
      // A PATCH or PUT may have been applied even if no answer came: repeat it only if it never left.
      const answer = await this.transport.send({ method, url, headers, body, idempotent: method === 'GET', target });
      return { url, answer };
    };
    let { url, answer } = await send(await this.auth.credentials());
    if (answer.status === 401 && this.auth.renewable) {
      // Tokens can be revoked before they expire: get a new one, once.
      this.auth.invalidate();
      ({ url, answer } = await send(await this.auth.credentials()));
    }
    return this.interpret(method, url, answer);
  }

  private interpret(method: HttpMethod, url: string, answer: HttpAnswer): SessionAnswer {
    const { status } = answer;
    if (status === 401 || status === 403) {
      const reason = explainErrorBody(answer.body);
      const detail = `Ironic refused the credentials${reason ? ` (${reason})` : ''}`;
      throw new IronicAuthError(method, url, status, detail, this.auth.rejection(status));
    }
    if (status < 200 || status >= 300) throw new IronicApiError(method, url, status, explainErrorBody(answer.body));
    const parsed = answer.body.trim() ? readJsonBody(method, url, status, answer.body) : undefined;
    return { method, url, status, body: parsed };
  }

  private locate(credentials: AuthCredentials): { baseUrl: string; target: RequestTarget } {
    const given = this.options.endpoint;
    const endpoint = given ?? credentials.catalogEndpoint;
    if (!endpoint) throw new RangeError('IronicClient: no endpoint given and no catalog endpoint found');
    const baseUrl = endpoint.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.lastBaseUrl = baseUrl;
    return { baseUrl, target: { service: 'ironic', endpoint: baseUrl, namedBy: given ? 'options' : 'catalog' } };
  }
}

function buildUrl(baseUrl: string, path: string, query?: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) search.append(name, String(value));
  }
  const text = search.toString();
  return `${baseUrl}${path}${text ? `?${text}` : ''}`;
}
