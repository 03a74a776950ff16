import type { AuthRejection } from '../errors';

/** What to send with a request, and (Keystone only) where the catalog says Ironic is. */
export interface AuthCredentials {
  headers: Record<string, string>;
  /** The `baremetal` endpoint from the Keystone catalog, when there is one. */
  catalogEndpoint?: string;
}

/** One way of authenticating to Ironic. */
export interface AuthProvider {
  /** True when asking again after a 401 can give other credentials (a fresh token). */
  readonly renewable: boolean;
  credentials(): Promise<AuthCredentials>;
  /** Forgets cached credentials after Ironic refused them. */
  invalidate(): void;
  /** Which credential Ironic's 401 or 403 refused, and what to check. */
  rejection(status: number): AuthRejection;
}

/** A 403: the identity is known but the policy does not allow the call. */
export const FORBIDDEN: AuthRejection = {
  refused: 'policy',
  advice: "The credentials were accepted but Ironic's policy does not allow this call; check the user's roles and the policy file.",
};
