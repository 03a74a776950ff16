/**
 * The `code` of an {@link IronicError}, one per class, stable across releases:
 * - `IRONIC_API`: Ironic answered with an error status ({@link IronicApiError});
 * - `IRONIC_CONNECTION`: no HTTP answer at all ({@link IronicConnectionError});
 * - `IRONIC_AUTH`: credentials refused, not enough, or not obtainable ({@link IronicAuthError});
 * - `IRONIC_RESPONSE`: an answer that is not Ironic's documented shape ({@link IronicResponseError});
 * - `IRONIC_VERSION`: the request needs a newer API version than negotiated ({@link IronicVersionError}).
 *
 * @public
 */
export type IronicErrorCode = 'IRONIC_API' | 'IRONIC_CONNECTION' | 'IRONIC_AUTH' | 'IRONIC_RESPONSE' | 'IRONIC_VERSION';

/**
 * Every error the client throws names the request (method and URL), what came back (status, or none)
 * and what the operator should check. Callers can branch on `code` (an {@link IronicErrorCode}) or on
 * the class; `name` is the class's name; people can act on the message.
 *
 * @public
 */
export abstract class IronicError extends Error {
  /** A stable code to branch on, one per class (see {@link IronicErrorCode}). */
  abstract readonly code: IronicErrorCode;

  protected constructor(
    message: string,
    /** HTTP method of the failed request. */
    readonly method: string,
    /** Full URL of the failed request (never carries credentials). */
    readonly url: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Ironic answered with an error status (other than 401/403, see {@link IronicAuthError}).
 *
 * @public
 */
export class IronicApiError extends IronicError {
  readonly code = 'IRONIC_API';
  override readonly name = 'IronicApiError';

  constructor(
    method: string,
    url: string,
    /** HTTP status Ironic answered with. */
    readonly status: number,
    /** Ironic's own explanation (`faultstring`/`description` inside `error_message`), when it gave one. */
    readonly ironicMessage: string | undefined,
  ) {
    const reason = ironicMessage ? `: ${ironicMessage}` : '';
    super(`${method} ${url} failed: Ironic answered ${status}${reason}. ${adviceForStatus(status)}`, method, url);
  }
}

function adviceForStatus(status: number): string {
  if (status === 400) return 'Ironic rejected the request as invalid; check the values given to the client.';
  if (status === 404) return 'Nothing by that identifier exists; check the uuid, name or address.';
  if (status === 406) return 'The API version in use does not allow this request; check maxVersion and the Ironic release.';
  if (status === 409) return 'The resource is locked or in a conflicting state; retry later.';
  if (status === 503) return 'Ironic is unavailable (is a conductor running?); check the Ironic logs.';
  if (status >= 500) return 'Ironic failed internally; check the Ironic API and conductor logs.';
  return 'Check the request against the Ironic API reference and the Ironic API log.';
}

/**
 * The server a request went to, and who named it: facts a caller turns into "check this setting".
 *
 * @public
 */
export interface RequestTarget {
  /** `ironic`, or `keystone` for a token request. */
  service: 'ironic' | 'keystone';
  /** The base URL asked, e.g. `https://ironic.example.net:6385` or Keystone's auth URL. */
  endpoint: string;
  /** `options`: the caller gave it (`endpoint`, `auth.authUrl`); `catalog`: the Keystone token's catalog named it. */
  namedBy: 'options' | 'catalog';
}

/**
 * No HTTP answer at all: connection refused, DNS failure, reset, a TLS failure, or the time limit ran out.
 *
 * @public
 */
export class IronicConnectionError extends IronicError {
  readonly code = 'IRONIC_CONNECTION';
  override readonly name = 'IronicConnectionError';

  constructor(
    method: string,
    url: string,
    /** The low-level failure, e.g. `ECONNREFUSED` or `timed out after 10000 ms`. */
    readonly reason: string,
    /** True when the request ran out of time rather than failing to connect. */
    readonly timedOut: boolean,
    /** How many times the request was sent. */
    readonly attempts: number,
    /** Which server did not answer, and where its address came from. */
    readonly target: RequestTarget,
    options?: ErrorOptions,
  ) {
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    super(`${method} ${url} failed: no answer (${reason}) after ${tries}. ${unreachableAdvice(target)}`, method, url, options);
  }
}

function unreachableAdvice({ service, endpoint, namedBy }: RequestTarget): string {
  if (service === 'keystone') return `Is Keystone running at ${endpoint}?`;
  if (namedBy === 'catalog')
    return `Is Ironic running at ${endpoint} (the baremetal endpoint of the Keystone catalog)? Check the catalog, or give the endpoint.`;
  return `Is Ironic running at ${endpoint}?`;
}

/**
 * Which credential was not accepted: `missing` (Ironic wants credentials, none were given),
 * `http_basic` (Ironic refused the user and password), `token` (Ironic refused a fresh Keystone token),
 * `policy` (403: the identity is known, Ironic's policy forbids the call), `keystone_password`
 * (Keystone issued no token for the user, password and project), `catalog` (the token's catalog has
 * no matching `baremetal` endpoint).
 *
 * @public
 */
export type IronicAuthRefusal = 'missing' | 'http_basic' | 'token' | 'policy' | 'keystone_password' | 'catalog';

/**
 * What a refusal's message advises, without naming any caller's settings.
 *
 * @public
 */
export interface AuthRejection {
  refused: IronicAuthRefusal;
  advice: string;
}

/**
 * The credentials were refused (401), were not enough (403), or could not be obtained at all.
 *
 * @public
 */
export class IronicAuthError extends IronicError {
  readonly code = 'IRONIC_AUTH';
  override readonly name = 'IronicAuthError';
  /** Which credential was not accepted. */
  readonly refused: IronicAuthRefusal;

  constructor(
    method: string,
    url: string,
    /** HTTP status of the refusal; undefined when the problem was found without asking (e.g. no endpoint). */
    readonly status: number | undefined,
    detail: string,
    rejection: AuthRejection,
  ) {
    const answered = status === undefined ? '' : ` (answered ${status})`;
    super(`${method} ${url} failed${answered}: ${detail}. ${rejection.advice}`, method, url);
    this.refused = rejection.refused;
  }
}

/**
 * The answer was not what Ironic (or Keystone) sends: not JSON, or not the documented shape.
 *
 * @public
 */
export class IronicResponseError extends IronicError {
  readonly code = 'IRONIC_RESPONSE';
  override readonly name = 'IronicResponseError';

  constructor(
    method: string,
    url: string,
    /** HTTP status of the unexpected answer. */
    readonly status: number,
    /** Each problem on its own, e.g. `nodes[2] (uuid): field provision_state: expected string`. */
    readonly problems: readonly string[],
  ) {
    super(
      `${method} ${url} answered ${status} with an unexpected body: ${problems.join('; ')}. ` +
        'Check that the URL points at the Ironic API and that the server is a supported Ironic.',
      method,
      url,
    );
  }
}

/**
 * The request needs a newer API version than the one negotiated with this Ironic.
 *
 * @public
 */
export class IronicVersionError extends IronicError {
  readonly code = 'IRONIC_VERSION';
  override readonly name = 'IronicVersionError';

  constructor(
    method: string,
    url: string,
    /** What needed the newer version, e.g. `the owner filter`. */
    readonly feature: string,
    /** The version the feature needs, e.g. `1.50`. */
    readonly requiredVersion: string,
    /** The version in use with this server. */
    readonly negotiatedVersion: string,
  ) {
    super(
      `${method} ${url} not sent: ${feature} needs Ironic API ${requiredVersion} but ${negotiatedVersion} is in use ` +
        '(the lower of the server maximum and maxVersion). Upgrade Ironic, raise maxVersion, or do without it.',
      method,
      url,
    );
  }
}
