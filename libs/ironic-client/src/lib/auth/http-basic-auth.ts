import type { AuthRejection } from '../errors';
import type { HttpBasicAuthOptions } from '../options';
import { FORBIDDEN, type AuthCredentials, type AuthProvider } from './auth-provider';

/** Ironic with `auth_strategy = http_basic`: the same `Authorization: Basic` header every time. */
export class HttpBasicAuth implements AuthProvider {
  readonly renewable = false;
  private readonly header: string;

  constructor(private readonly options: HttpBasicAuthOptions) {
    this.header = `Basic ${Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64')}`;
  }

  async credentials(): Promise<AuthCredentials> {
    return { headers: { Authorization: this.header } };
  }

  invalidate(): void {
    // The header never changes.
  }

  rejection(status: number): AuthRejection {
    if (status === 403) return FORBIDDEN;
    const advice =
      `Ironic refused user "${this.options.username}"; check the username and password against the bcrypt htpasswd ` +
      "file named by Ironic's [DEFAULT]http_basic_auth_user_file, and that Ironic's auth_strategy is http_basic.";
    return { refused: 'http_basic', advice };
  }
}
