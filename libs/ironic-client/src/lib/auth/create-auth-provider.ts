import type { HttpTransport } from '../http-transport';
import type { ResolvedOptions } from '../options';
import type { AuthProvider } from './auth-provider';
import { HttpBasicAuth } from './http-basic-auth';
import { KeystoneAuth } from './keystone-auth';
import { NoAuth } from './no-auth';

export function createAuthProvider(options: ResolvedOptions, transport: HttpTransport): AuthProvider {
  const { auth } = options;
  switch (auth.type) {
    case 'none':
      return new NoAuth();
    case 'http_basic':
      return new HttpBasicAuth(auth);
    case 'keystone':
      return new KeystoneAuth(auth, transport, options.logger, options.endpoint === undefined);
  }
}
