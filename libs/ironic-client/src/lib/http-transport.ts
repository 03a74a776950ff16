import { Agent } from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { backoffDelay, retryAfterDelay, sleep } from './backoff';
import { IronicConnectionError, type RequestTarget } from './errors';
import type { IronicClientLogger } from './logger';
import type { IronicTlsOptions } from './options';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /**
   * Whether sending the request twice does no harm. Requests that are not idempotent are repeated only
   * when they certainly never reached the server (the connection was refused).
   */
  idempotent: boolean;
  /** Which server this is, for the error when nothing answers. */
  target: RequestTarget;
}

/** An HTTP answer of any status; the body is left as text so that callers decide how to read it. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface TransportSettings {
  timeoutMs: number;
  retries: number;
  retryBaseDelayMs: number;
  logger: IronicClientLogger;
  tls: IronicTlsOptions | undefined;
}

/** Errors raised before a single byte of the request could have reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface Failure {
  reason: string;
  timedOut: boolean;
  notSent: boolean;
  cause: unknown;
}

/**
 * One HTTP exchange with a time limit, repeated with back-off on connection errors, time-outs and 5xx
 * answers. Statuses are returned, not thrown: what they mean is the caller's business.
 */
export class HttpTransport {
  private readonly http: AxiosInstance;

  constructor(private readonly settings: TransportSettings) {
    this.http = axios.create({
      // Statuses and bodies are interpreted by the caller: keep the text, accept every status.
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      httpsAgent: settings.tls
        ? new Agent({ ca: settings.tls.ca, cert: settings.tls.cert, key: settings.tls.key ?? settings.tls.cert })
        : undefined,
    });
  }

  async send(request: HttpRequest): Promise<HttpAnswer> {
    const { retries, logger } = this.settings;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      let answer: HttpAnswer;
      try {
        answer = await this.exchange(request);
      } catch (error) {
        const failure = describeFailure(error, this.settings.timeoutMs);
        const repeatable = request.idempotent || failure.notSent;
        if (attempt > retries || !repeatable) {
          throw new IronicConnectionError(request.method, request.url, failure.reason, failure.timedOut, attempt, request.target, {
            cause: failure.cause,
          });
        }
        await this.pause(request, attempt, failure.reason);
        continue;
      }
      logger.debug('HTTP exchange', { method: request.method, url: request.url, status: answer.status, ms: Date.now() - started });
      if (answer.status < 500 || !request.idempotent || attempt > retries) return answer;
      await this.pause(request, attempt, `answered ${answer.status}`, retryAfterDelay(answer.headers['retry-after']));
    }
  }

  private async pause(request: HttpRequest, attempt: number, reason: string, requestedDelay?: number): Promise<void> {
    const delay = requestedDelay ?? backoffDelay(attempt, this.settings.retryBaseDelayMs);
    this.settings.logger.warn(`${request.method} ${request.url} ${reason}; retry ${attempt}/${this.settings.retries} in ${delay} ms`);
    await sleep(delay);
  }

  private async exchange(request: HttpRequest): Promise<HttpAnswer> {
    const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.http.request<string>({
      method: request.method,
      url: request.url,
      headers,
      data: request.body === undefined ? undefined : JSON.stringify(request.body),
      // A deadline for the whole exchange: axios' own `timeout` only limits idle time on the socket.
      signal: AbortSignal.timeout(this.settings.timeoutMs),
    });
    return { status: response.status, headers: lowerCaseHeaders(response.headers), body: response.data ?? '' };
  }
}

function describeFailure(error: unknown, timeoutMs: number): Failure {
  if (axios.isCancel(error)) return { reason: `timed out after ${timeoutMs} ms`, timedOut: true, notSent: false, cause: error };
  if (axios.isAxiosError(error)) {
    const code = error.code ?? 'network error';
    return { reason: `${code}: ${error.message}`, timedOut: code === 'ETIMEDOUT', notSent: NOT_SENT_CODES.has(code), cause: error };
  }
  throw error;
}

function lowerCaseHeaders(headers: object): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && value !== null) result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return result;
}
