import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captured } from '../../test-support/capture';
import { UsageError } from '../../support/context';
import { expiry, leasesCommand } from './leases';

const NOW = 1_750_000_000;

describe('ironic-metadata leases', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-leases-'));
  const file = join(dir, 'dnsmasq.leases');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('tabulates each lease with its expiry relative to now, lists malformed lines, and exits 1 for them', async () => {
    writeFileSync(
      file,
      [
        `${NOW + 7500} 52:54:00:aa:bb:01 10.0.0.5 web-1 *`,
        '0 52:54:00:aa:bb:02 10.0.0.6 * *',
        'not a lease',
        `${NOW - 180} 52:54:00:aa:bb:03 10.0.0.7 * *`,
      ].join('\n'),
    );
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
    expect(JSON.parse(stdout.toString())).toEqual({
      file,
      leases: [
        {
          line: 1,
          family: 4,
          ip: '10.0.0.6',
          hardwareType: 1,
          hardwareAddress: '52:54:00:aa:bb:02',
          mac: '52:54:00:aa:bb:02',
          expiresAt: null,
          expired: false,
        },
      ],
      malformed: [],
    });
  });

  it('shows IPv6 leases with their IAID and client DUID, the MAC inside it, and why a DUID names none', async () => {
    writeFileSync(
      file,
      [
        'duid 00:01:00:01:2c:5f:1a:00:52:54:00:00:00:fe',
        '0 1913652481 2001:db8::23 node-6 00:03:00:01:52:54:00:00:10:01',
        '0 T1913652482 2001:db8::24 * 00:01:00:01:2c:5f:1a:11:52:54:00:00:10:01',
        '0 5 2001:db8::25 * 00:04:7e:4d:a1:5c:7a:60:4e:6b:a8:ad:00:25:90:77:f3:e1',
      ].join('\n'),
    );
    const { result, stdout } = await captured(() => leasesCommand(file, {}, NOW));
    const text = stdout.toString();
    expect(result).toBe(0);
    expect(text).toContain(`${file}: 3 leases, 3 live, 0 expired, 1 without a MAC\n`);
    expect(text).toMatch(/2001:db8::23\s+52:54:00:00:10:01\s+node-6\s+never\s+live\s+2\s+IAID 1913652481, DUID-LL/);
    expect(text).toMatch(/2001:db8::24\s+52:54:00:00:10:01\s+never\s+live\s+3\s+IAID 1913652482 \(temporary\), DUID-LLT/);
    expect(text).toContain('line 4 (2001:db8::25): its client DUID is a DUID-UUID, which carries no link-layer address');
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
