import {
  IronicApiError,
  IronicAuthError,
  IronicConnectionError,
  IronicResponseError,
  type IronicAuthRefusal,
  type RequestTarget,
} from '@ironic-metadata/ironic-client';
import { settingsToCheck } from './ironic-settings';

const url = 'https://ironic.example:6385/v1/nodes';
const unreachable = (target: RequestTarget, reason = 'ECONNREFUSED: connect ECONNREFUSED') =>
  new IronicConnectionError('GET', url, reason, false, 3, target);
const refused = (refusal: IronicAuthRefusal) => new IronicAuthError('GET', url, 401, 'refused', { refused: refusal, advice: 'Check.' });

describe('settingsToCheck', () => {
  it('names the setting that named the server that did not answer', () => {
    expect(settingsToCheck(unreachable({ service: 'ironic', endpoint: 'https://ironic.example:6385', namedBy: 'options' }))).toBe(
      'set IRONIC_URL to its API',
    );
    expect(settingsToCheck(unreachable({ service: 'ironic', endpoint: 'https://ironic.example:6385', namedBy: 'catalog' }))).toBe(
      'check OS_INTERFACE and OS_REGION_NAME, or set IRONIC_URL to the API',
    );
    expect(settingsToCheck(unreachable({ service: 'keystone', endpoint: 'https://ks:5000', namedBy: 'options' }))).toBe(
      'check OS_AUTH_URL',
    );
  });

  it('names the TLS files when the handshake failed', () => {
    const target: RequestTarget = { service: 'ironic', endpoint: 'https://ironic.example:6385', namedBy: 'options' };
    expect(settingsToCheck(unreachable(target, 'SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain'))).toBe(
      "check OS_CACERT (the CA that signs Ironic's certificate), OS_CERT and OS_KEY",
    );
    expect(settingsToCheck(unreachable(target, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate'))).toContain(
      'OS_CACERT',
    );
  });

  it.each<[IronicAuthRefusal, string | undefined]>([
    ['http_basic', 'check OS_USERNAME and OS_PASSWORD'],
    ['missing', "set OS_AUTH_TYPE to Ironic's auth_strategy (http_basic, or password for Keystone) with OS_USERNAME and OS_PASSWORD"],
    [
      'keystone_password',
      'check OS_USERNAME, OS_PASSWORD, OS_USER_DOMAIN_NAME, OS_PROJECT_NAME or OS_PROJECT_ID, OS_PROJECT_DOMAIN_NAME and OS_AUTH_URL',
    ],
    ['token', 'check that OS_AUTH_URL is the Keystone this Ironic uses'],
    ['catalog', 'check OS_INTERFACE and OS_REGION_NAME, or set IRONIC_URL to the API'],
    ['policy', undefined],
  ])('names the settings of a %s refusal', (refusal, settings) => {
    expect(settingsToCheck(refused(refusal))).toBe(settings);
  });

  it('names IRONIC_URL for an answer that is not Ironic, and nothing where no setting is at fault', () => {
    expect(settingsToCheck(new IronicResponseError('GET', url, 200, ['not JSON']))).toBe('check that IRONIC_URL names the Ironic API');
    expect(settingsToCheck(new IronicApiError('GET', url, 503, undefined))).toBeUndefined();
    expect(settingsToCheck(new Error('other'))).toBeUndefined();
    expect(settingsToCheck('text')).toBeUndefined();
  });
});
