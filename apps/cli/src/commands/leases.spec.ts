import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captured } from '../test-support/capture';
import { UsageError } from './context';
import { expiry, leasesCommand } from './leases';

const NOW = 1_750_000_000;

describe('ironic-metadata leases', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-leases-'));
  const file = join(dir, 'dnsmasq.leases');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('tabulates each lease with its expiry relative to now, lists malformed lines, and exits 1 for them', async () => {
    writeFileSync(file, [`${NOW + 7500} 52:54:00:aa:bb:01 10.0.0.5 web-1 *`, '0 52:54:00:aa:bb:02 10.0.0.6 * *', 'not a lease', `${NOW - 180} 52:54:00:aa:bb:03 10.0.0.7 * *`].join('\n'));
    const { result, stdout } = await captured(() => leasesCommand(file, {}, NOW));
    const text = stdout.toString();
    expect(result).toBe(1);
    expect(text).toContain(`${file}: 3 leases, 2 live, 1 expired, 1 malformed line`);
    expect(text).toMatch(/10\.0\.0\.5\s+52:54:00:aa:bb:01\s+web-1\s+in 2h 5m\s+live\s+1/);
    expect(text).toMatch(/10\.0\.0\.6\s+52:54:00:aa:bb:02\s+never\s+live/);
    expect(text).toMatch(/10\.0\.0\.7\s+52:54:00:aa:bb:03\s+expired 3m ago\s+expired/);
    expect(text).toContain('line 3: expected the expiry as Unix seconds, found "not": "not a lease"');
  });

  it('exits 0 for a clean file, and gives every lease and problem in JSON', async () => {
    writeFileSync(file, `0 52:54:00:aa:bb:02 10.0.0.6 * *\n`);
    const { result, stdout } = await captured(() => leasesCommand(file, { json: true }, NOW));
    expect(result).toBe(0);
    expect(JSON.parse(stdout.toString())).toEqual({ file, leases: [{ line: 1, ip: '10.0.0.6', mac: '52:54:00:aa:bb:02', expiresAt: null, expired: false }], malformed: [] });
  });

  it('refuses a missing file as a usage error naming LEASE_FILE', () => {
    expect(() => leasesCommand(join(dir, 'missing'), {})).toThrow(UsageError);
    expect(() => leasesCommand(join(dir, 'missing'), {})).toThrow(/no such lease file.*LEASE_FILE/);
  });

  it('says when a lease expires', () => {
    const lease = { line: 1, ip: '10.0.0.5', mac: '52:54:00:aa:bb:01' };
    expect(expiry({ ...lease, expiresAt: 0 }, NOW)).toBe('never');
    expect(expiry({ ...lease, expiresAt: NOW + 45 }, NOW)).toBe('in 45s');
    expect(expiry({ ...lease, expiresAt: NOW }, NOW)).toBe('expired 0s ago');
  });
});
