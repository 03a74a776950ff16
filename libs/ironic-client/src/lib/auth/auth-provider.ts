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
  /** What the operator should check when Ironic answers 401 or 403 to these credentials. */
  rejectionAdvice(status: number): string;
}

/** Shared advice for a 403: the identity is known but the policy does not allow the call. */
export const FORBIDDEN_ADVICE =
  "The credentials were accepted but Ironic's policy does not allow this call; check the user's roles and the policy file.";
