import type {
  IronicApiError,
  IronicAuthError,
  IronicConnectionError,
  IronicResponseError,
  IronicVersionError,
} from '@ironic-metadata/ironic-client';

type IronicClientError = IronicApiError | IronicAuthError | IronicConnectionError | IronicResponseError | IronicVersionError;

/** A failed TLS handshake: Node's and OpenSSL's codes for a certificate it could not verify, or a protocol failure. */
const TLS_FAILURE = /CERT|SSL|TLS|self[- ]signed/i;

/**
 * Which of this service's settings to set or check for an error of the Ironic client, as an
 * imperative clause: `check OS_USERNAME and OS_PASSWORD`. The client reports facts (which server did
 * not answer and who named it, which credential was refused); the settings that gave those facts are
 * the service's, so they are named here. Undefined for anything else, and where no setting is at
 * fault (Ironic's policy forbade the call, Ironic failed).
 */
export function settingsToCheck(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string' || !error.code.startsWith('IRONIC_'))
    return undefined;
  const failure = error as IronicClientError;
  switch (failure.code) {
    case 'IRONIC_CONNECTION': {
      const { service, namedBy } = failure.target;
      if (TLS_FAILURE.test(failure.reason))
        return `check OS_CACERT (the CA that signs ${service === 'keystone' ? "Keystone's" : "Ironic's"} certificate), OS_CERT and OS_KEY`;
      if (service === 'keystone') return 'check OS_AUTH_URL';
      return namedBy === 'catalog' ? 'check OS_INTERFACE and OS_REGION_NAME, or set IRONIC_URL to the API' : 'set IRONIC_URL to its API';
    }
    case 'IRONIC_AUTH':
      switch (failure.refused) {
        case 'missing':
          return "set OS_AUTH_TYPE to Ironic's auth_strategy (http_basic, or password for Keystone) with OS_USERNAME and OS_PASSWORD";
        case 'http_basic':
          return 'check OS_USERNAME and OS_PASSWORD';
        case 'keystone_password':
          return 'check OS_USERNAME, OS_PASSWORD, OS_USER_DOMAIN_NAME, OS_PROJECT_NAME or OS_PROJECT_ID, OS_PROJECT_DOMAIN_NAME and OS_AUTH_URL';
        case 'token':
          return 'check that OS_AUTH_URL is the Keystone this Ironic uses';
        case 'catalog':
          return 'check OS_INTERFACE and OS_REGION_NAME, or set IRONIC_URL to the API';
        case 'policy':
          return undefined;
      }
      return undefined;
    case 'IRONIC_RESPONSE':
      return 'check that IRONIC_URL names the Ironic API';
    default:
      return undefined;
  }
}
