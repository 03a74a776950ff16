import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leaseFileCheck } from './lease-check';

describe('the lease file check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-leases-'));
  const file = join(dir, 'dnsmasq.leases');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('warns when the file is absent: the fallback is off, which may be fine', () => {
    expect(leaseFileCheck(file)).toMatchObject({
      status: 'warn',
      detail: `${file} does not exist: the DHCP lease fallback finds no node`,
      fix: expect.stringContaining('LEASE_FILE'),
    });
  });

  it('fails a path it cannot read, saying why in the words the service logs', () => {
    expect(leaseFileCheck(dir)).toMatchObject({
      status: 'fail',
      detail: `the lease file ${dir} is a directory, not a file`,
      fix: expect.stringContaining('LEASE_FILE'),
    });
  });

  it('passes a fresh, well-formed file, counting the live leases', () => {
    const now = Date.now();
    writeFileSync(file, `0 52:54:00:aa:bb:01 10.0.0.5 * *\n${Math.floor(now / 1000) - 60} 52:54:00:aa:bb:02 10.0.0.6 * *\n`);
    expect(leaseFileCheck(file, now)).toMatchObject({ status: 'pass', detail: `${file}: 2 leases (1 live), written 0s ago` });
  });

  it('warns about malformed lines and a file dnsmasq has not written for over a day', () => {
    writeFileSync(file, 'garbage\n0 52:54:00:aa:bb:01 10.0.0.5 * *\n');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(file, twoDaysAgo, twoDaysAgo);
    const check = leaseFileCheck(file);
    expect(check.status).toBe('warn');
    expect(check.detail).toContain(
      'written 2d ago; 1 malformed line ignored (line 1); dnsmasq rewrites it whenever it grants or renews a lease',
    );
    expect(check.fix).toContain(`ironic-metadata leases ${file}`);
  });
});
