import type { AuthRejection } from '../errors';
import { FORBIDDEN, type AuthCredentials, type AuthProvider } from './auth-provider';

/** Ironic with `auth_strategy = noauth`: nothing to send. */
export class NoAuth implements AuthProvider {
  readonly renewable = false;

  async credentials(): Promise<AuthCredentials> {
    return { headers: {} };
  }

  invalidate(): void {
    // Nothing cached.
  }

  rejection(status: number): AuthRejection {
    if (status === 403) return FORBIDDEN;
    return {
      refused: 'missing',
      advice: 'This Ironic requires authentication; give http_basic or keystone credentials, as its auth_strategy asks.',
    };
  }
}
