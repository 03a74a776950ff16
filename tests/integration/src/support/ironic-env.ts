import type { IronicConnection } from './ironic-admin';
import type { IronicHandle } from './ironic';

/** Environment variables through which the global setup tells the tests where the Ironics are. */
export const IRONIC_ENV = {
  noauthUrl: 'IT_IRONIC_NOAUTH_URL',
  noauthPolicyFile: 'IT_IRONIC_NOAUTH_POLICY_FILE',
  basicUrl: 'IT_IRONIC_BASIC_URL',
  basicUser: 'IT_IRONIC_BASIC_USER',
  basicPassword: 'IT_IRONIC_BASIC_PASSWORD',
  basicPolicyFile: 'IT_IRONIC_BASIC_POLICY_FILE',
} as const;

export interface SuiteIronic extends IronicConnection {
  policyFile: string;
}

/** Publishes the running Ironics to the test files (which run after the global setup). */
export function exportIronicEnv(noauth: IronicHandle, basic: IronicHandle): void {
  if (!basic.username || !basic.password) throw new Error('the http_basic Ironic has no credentials');
  process.env[IRONIC_ENV.noauthUrl] = noauth.url;
  process.env[IRONIC_ENV.noauthPolicyFile] = noauth.policyFile;
  process.env[IRONIC_ENV.basicUrl] = basic.url;
  process.env[IRONIC_ENV.basicUser] = basic.username;
  process.env[IRONIC_ENV.basicPassword] = basic.password;
  process.env[IRONIC_ENV.basicPolicyFile] = basic.policyFile;
}

/** The suite's Ironics, for a test file. */
export function suiteIronics(): { noauth: SuiteIronic; basic: SuiteIronic & Required<Pick<SuiteIronic, 'username' | 'password'>> } {
  return {
    noauth: { url: required(IRONIC_ENV.noauthUrl), policyFile: required(IRONIC_ENV.noauthPolicyFile) },
    basic: {
      url: required(IRONIC_ENV.basicUrl),
      username: required(IRONIC_ENV.basicUser),
      password: required(IRONIC_ENV.basicPassword),
      policyFile: required(IRONIC_ENV.basicPolicyFile),
    },
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the integration tests with tests/integration/jest.config.js, whose global setup starts Ironic`,
    );
  }
  return value;
}
