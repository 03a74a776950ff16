import { FORBIDDEN_ADVICE, type AuthCredentials, type AuthProvider } from './auth-provider';

/** Ironic with `auth_strategy = noauth`: nothing to send. */
export class NoAuth implements AuthProvider {
  readonly renewable = false;

  async credentials(): Promise<AuthCredentials> {
    return { headers: {} };
  }

  invalidate(): void {
    // Nothing cached.
  }

  rejectionAdvice(status: number): string {
    if (status === 403) return FORBIDDEN_ADVICE;
    return 'This Ironic requires authentication; set OS_AUTH_TYPE to http_basic or password and give credentials.';
  }
}
