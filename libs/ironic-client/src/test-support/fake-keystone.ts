import type { FakeHandler } from './fake-http-server';

export interface FakeKeystoneOptions {
  /** The catalog's baremetal endpoints. */
  endpoints: { interface: string; region_id?: string; url: string }[];
  /** Lifetime of each token issued, in ms. Default one hour. */
  lifetimeMs?: number;
  /** The password it accepts. Default `secret`. */
  password?: string;
}

/** Keystone's `POST /v3/auth/tokens`: issues `token-1`, `token-2`, ... with a catalog. */
export function fakeKeystone(options: FakeKeystoneOptions): FakeHandler {
  let issued = 0;
  return (request) => {
    if (request.method !== 'POST' || request.url !== '/v3/auth/tokens') return { status: 404 };
    const body = JSON.parse(request.body);
    if (body.auth.identity.password.user.password !== (options.password ?? 'secret')) {
      return {
        status: 401,
        body: { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } },
      };
    }
    issued += 1;
    const expiresAt = new Date(Date.now() + (options.lifetimeMs ?? 3_600_000)).toISOString();
    const catalog = [
      { type: 'identity', endpoints: [{ interface: 'public', region_id: 'RegionOne', url: 'http://keystone.invalid/v3' }] },
      { type: 'baremetal', endpoints: options.endpoints },
    ];
    return { status: 201, headers: { 'X-Subject-Token': `token-${issued}` }, body: { token: { expires_at: expiresAt, catalog } } };
  };
}
