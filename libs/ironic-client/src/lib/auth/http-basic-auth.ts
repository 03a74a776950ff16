import type { HttpBasicAuthOptions } from '../options';
import { FORBIDDEN_ADVICE, type AuthCredentials, type AuthProvider } from './auth-provider';

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

  rejectionAdvice(status: number): string {
    if (status === 403) return FORBIDDEN_ADVICE;
    return (
      `Ironic refused user "${this.options.username}"; check OS_USERNAME and OS_PASSWORD against the bcrypt htpasswd ` +
      "file named by Ironic's [DEFAULT]http_basic_auth_user_file, and that Ironic's auth_strategy is http_basic."
    );
  }
}
