import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captured, EXAMPLE_INVENTORY, withEnv } from '../../test-support/capture';
import { doctorCommand } from './doctor';
import { apiVersionCheck } from './source-checks';

describe('ironic-metadata doctor', () => {
  withEnv({
    LOG_LEVEL: undefined,
    BIND_ADDR: '127.0.0.1',
    BIND_PORT: '0',
    ADMIN_BIND_PORT: '0',
    LEASE_FILE: '/nonexistent/dnsmasq.leases',
  });

  it('passes the example inventory, warning only that the lease file is absent and tokens are per process', async () => {
    const { result, stdout } = await captured(() => doctorCommand({ inventory: EXAMPLE_INVENTORY, json: true }));
    const report = JSON.parse(stdout.toString());
    expect(result).toBe(0);
    expect(report.checks.map((check: { id: string; status: string }) => `${check.id} ${check.status}`)).toEqual([
      'config pass',
      'inventory pass',
      'show-instance-secrets pass',
      'config-drives pass',
      'lease-file warn',
      'discoverable pass',
      'undiscoverable pass',
      'allowed-clients pass',
      'token-keys warn',
      'client-mac skip',
      'bind pass',
      'admin-bind pass',
      'clients pass',
      'access-log skip',
    ]);
    expect(report).toMatchObject({ ok: true, counts: { pass: 10, warn: 2, fail: 0, skip: 2 } });
  });

  it('prints a table with each fix under its item', async () => {
    const { stdout } = await captured(() => doctorCommand({ inventory: EXAMPLE_INVENTORY }));
    expect(stdout.toString()).toMatch(/WARN\s+DHCP lease file\s+\/nonexistent\/dnsmasq\.leases does not exist.*\n\s+fix: point LEASE_FILE/);
    expect(stdout.toString()).toContain('10 passed, 2 warnings, 0 failed, 2 skipped');
  });

  it('fails a broken inventory and skips what needs its nodes', async () => {
    const { result, stdout } = await captured(() => doctorCommand({ inventory: '/nonexistent/inventory.json', json: true }));
    expect(result).toBe(1);
    const statuses = Object.fromEntries(
      JSON.parse(stdout.toString()).checks.map((check: { id: string; status: string }) => [check.id, check.status]),
    );
    expect(statuses).toMatchObject({ inventory: 'fail', 'show-instance-secrets': 'skip', discoverable: 'skip', bind: 'pass' });
  });

  it('warns about an Ironic too old for node network_data', () => {
    expect(apiVersionCheck('1.82')).toMatchObject({ status: 'pass' });
    expect(apiVersionCheck('1.46')).toMatchObject({ status: 'warn', detail: expect.stringContaining('node network_data needs 1.66') });
  });
});

describe('ironic-metadata doctor with an invalid configuration', () => {
  withEnv({ BIND_PORT: 'eighty' });

  it('reports the variable and exits 2', async () => {
    const { result, stdout } = await captured(() => doctorCommand({ inventory: EXAMPLE_INVENTORY }));
    expect(result).toBe(2);
    expect(stdout.toString()).toMatch(
      /FAIL\s+configuration valid\s+invalid configuration: BIND_PORT: expected a whole number from 0 to 65535, got "eighty"/,
    );
  });
});

describe('ironic-metadata doctor with a token key that is too short', () => {
  const keyFile = join(mkdtempSync(join(tmpdir(), 'doctor-keys-')), 'token-keys');
  writeFileSync(keyFile, 'too-short\n', { mode: 0o400 });
  withEnv({ IMDS_TOKEN_KEY_FILE: keyFile });

  it('names the file, the line and the fix, and exits 2', async () => {
    const { result, stdout } = await captured(() => doctorCommand({ inventory: EXAMPLE_INVENTORY, json: true }));
    expect(result).toBe(2);
    expect(JSON.parse(stdout.toString()).checks).toEqual([
      expect.objectContaining({
        id: 'config',
        status: 'fail',
        detail: `invalid configuration: IMDS_TOKEN_KEY_FILE: the key on line 1 of ${keyFile} is 9 bytes; every key must be at least 32 (one key a line, each at least 32 bytes, e.g. openssl rand -base64 48)`,
      }),
    ]);
  });
});
