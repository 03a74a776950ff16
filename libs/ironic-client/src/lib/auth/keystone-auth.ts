import { describeIssues } from '@ironic-metadata/ironic-model';
import { explainErrorBody } from '../error-body';
import { IronicAuthError, IronicResponseError, type AuthRejection } from '../errors';
import { readJsonBody } from '../json-body';
import type { HttpTransport } from '../http-transport';
import type { IronicClientLogger } from '../logger';
import type { KeystoneAuthOptions } from '../options';
import { FORBIDDEN, type AuthCredentials, type AuthProvider } from './auth-provider';
import { describeBaremetalEndpoints, findBaremetalEndpoint, tokenBodySchema } from './keystone-catalog';

/** A token is replaced this long before it expires (or at half its life, if that is shorter). */
const REFRESH_MARGIN_MS = 60_000;

interface Token {
  value: string;
  refreshAt: number;
  catalogEndpoint?: string;
}

/**
 * Keystone v3 password authentication with a project scope. The token is cached, replaced shortly
 * before it expires and on demand after Ironic refused it.
 */
export class KeystoneAuth implements AuthProvider {
  readonly renewable = true;
  private token?: Token;
  private pending?: Promise<Token>;
  private readonly tokensUrl: string;

  constructor(
    private readonly options: KeystoneAuthOptions,
    private readonly transport: HttpTransport,
    private readonly logger: IronicClientLogger,
    /** When the caller gave no Ironic endpoint, the catalog must provide one. */
    private readonly catalogEndpointRequired: boolean,
  ) {
    this.tokensUrl = `${options.authUrl.replace(/\/+$/, '').replace(/\/v3$/, '')}/v3/auth/tokens`;
  }

  async credentials(): Promise<AuthCredentials> {
    const token = this.token && Date.now() < this.token.refreshAt ? this.token : await this.renew();
    return { headers: { 'X-Auth-Token': token.value }, catalogEndpoint: token.catalogEndpoint };
  }

  invalidate(): void {
    this.token = undefined;
  }

  rejection(status: number): AuthRejection {
    if (status === 403) return FORBIDDEN;
    return {
      refused: 'token',
      advice: 'Ironic refused a fresh Keystone token; check that Ironic uses the same Keystone and that the project has a role on it.',
    };
  }

  /** Concurrent requests share one token request. */
  private renew(): Promise<Token> {
    this.pending ??= this.requestToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async requestToken(): Promise<Token> {
    const method = 'POST';
    const url = this.tokensUrl;
    const answer = await this.transport.send({
      method,
      url,
      headers: {},
      body: this.requestBody(),
      // Asking twice for a token does no harm.
      idempotent: true,
      target: { service: 'keystone', endpoint: this.options.authUrl, namedBy: 'options' },
    });
    if (answer.status !== 201 && answer.status !== 200) {
      const reason = explainErrorBody(answer.body);
      const detail = reason ? `Keystone did not issue a token (${reason})` : 'Keystone did not issue a token';
      throw new IronicAuthError(method, url, answer.status, detail, this.passwordRejection());
    }
    const value = answer.headers['x-subject-token'];
    if (!value) throw new IronicResponseError(method, url, answer.status, ['no X-Subject-Token header']);
    const parsed = tokenBodySchema.safeParse(readJsonBody(method, url, answer.status, answer.body));
    if (!parsed.success) throw new IronicResponseError(method, url, answer.status, describeIssues(parsed.error.issues));

    const { expires_at: expiresAt, catalog } = parsed.data.token;
    const wanted = this.options.interface ?? 'public';
    const catalogEndpoint = findBaremetalEndpoint(catalog, wanted, this.options.regionName);
    if (!catalogEndpoint && this.catalogEndpointRequired) {
      const region = this.options.regionName ? ` in region ${this.options.regionName}` : '';
      throw new IronicAuthError(
        method,
        url,
        answer.status,
        `the token's catalog has no ${wanted} baremetal endpoint${region} (it has: ${describeBaremetalEndpoints(catalog)})`,
        {
          refused: 'catalog',
          advice: 'Register Ironic in the Keystone catalog, ask for another interface or region, or give the endpoint.',
        },
      );
    }
    const now = Date.now();
    const lifetime = Date.parse(expiresAt) - now;
    const token = { value, catalogEndpoint, refreshAt: now + lifetime - Math.min(REFRESH_MARGIN_MS, lifetime / 2) };
    this.logger.info('Keystone token obtained', { expiresAt, catalogEndpoint });
    this.token = token;
    return token;
  }

  private requestBody(): unknown {
    const { username, password, userDomainName, projectId, projectName, projectDomainName } = this.options;
    const project = projectId ? { id: projectId } : { name: projectName, domain: { name: projectDomainName } };
    return {
      auth: {
        identity: { methods: ['password'], password: { user: { name: username, password, domain: { name: userDomainName } } } },
        scope: { project },
      },
    };
  }

  private passwordRejection(): AuthRejection {
    const advice = `Check the username ("${this.options.username}"), the password, the user's domain, the project (name and domain, or id) and the Keystone URL.`;
    return { refused: 'keystone_password', advice };
  }
}
