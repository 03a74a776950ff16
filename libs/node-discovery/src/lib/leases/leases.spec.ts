import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createLogger } from '@ironic-metadata/logging';
import { aNode, aPort } from '@ironic-metadata/ironic-model/testing';
import { NodeIndex } from '../node-index';
import { LeaseFile } from './lease-file';
import { parseLeases } from './lease-parser';
import { LeaseTable } from './lease-table';

const FILE = `1750802648 9c:6b:00:70:59:8B 10.1.105.195 web-1 01:9c:6b:00:70:59:8b
0 52:54:00:aa:bb:cc 10.1.105.10 * *
duid 00:01:00:01:2c:4d:3a:1e:52:54:00:12:34:56
1750802648 1234567 2001:db8::10 web-1 00:04:9c:6b:00:70:59:8b
`;

describe('parseLeases', () => {
  it('reads IPv4 leases with MACs, and IPv6 leases with their IAID under the DUID', () => {
    const { leases, problems } = parseLeases(FILE);
    expect(problems).toEqual([]);
    expect(leases).toEqual([
      { line: 1, ip: '10.1.105.195', expiresAt: 1750802648, mac: '9c:6b:00:70:59:8b', hostname: 'web-1', clientId: '01:9c:6b:00:70:59:8b' },
      { line: 2, ip: '10.1.105.10', expiresAt: 0, mac: '52:54:00:aa:bb:cc', hostname: undefined, clientId: undefined },
      { line: 4, ip: '2001:db8::10', expiresAt: 1750802648, iaid: '1234567', duid: '00:01:00:01:2c:4d:3a:1e:52:54:00:12:34:56', hostname: 'web-1', clientId: '00:04:9c:6b:00:70:59:8b' },
    ]);
  });

  it('reports each malformed line with its number and keeps the rest', () => {
    const text = ['soon 52:54:00:aa:bb:cc 10.0.0.1 * *', '1750802648 not-a-mac 10.0.0.2 * *', '1750802648 52:54:00:aa:bb:cc 10.0.0.300 * *', 'garbage', 'duid', '1750802648 52:54:00:aa:bb:cd 10.0.0.4 * *'].join('\n');
    const { leases, problems } = parseLeases(text);
    expect(leases.map((lease) => lease.ip)).toEqual(['10.0.0.4']);
    expect(problems.map((problem) => `${problem.line}: ${problem.reason}`)).toEqual([
      '1: expected the expiry as Unix seconds, found "soon"',
      '2: expected a MAC address, found "not-a-mac"',
      '3: expected an IP address, found "10.0.0.300"',
      '4: expected "EXPIRY MAC IP HOSTNAME CLIENT-ID", found 1 fields',
      '5: expected "duid <server DUID>"',
    ]);
  });
});

describe('LeaseTable', () => {
  const { leases } = parseLeases(FILE);

  it('answers the MAC of a live lease, and says why otherwise', () => {
    const table = new LeaseTable(leases, () => 1750802000);
    expect(table.macFor('10.1.105.195')).toMatchObject({ mac: '9c:6b:00:70:59:8b' });
    expect(table.macFor('10.1.105.10')).toMatchObject({ mac: '52:54:00:aa:bb:cc' });
    expect(table.macFor('10.9.9.9')).toEqual({ reason: 'no DHCP lease for 10.9.9.9' });
    expect(table.macFor('2001:db8::10')).toEqual({ reason: 'the DHCP lease for 2001:db8::10 is IPv6 and names no MAC' });
  });

  it('never matches an expired lease; a zero expiry never expires', () => {
    const later = new LeaseTable(leases, () => 1750802648);
    expect(later.macFor('10.1.105.195')).toEqual({ reason: 'the DHCP lease for 10.1.105.195 expired' });
    expect(later.macFor('10.1.105.10')).toMatchObject({ mac: '52:54:00:aa:bb:cc' });
  });

  it('refuses an address with live leases for two MACs', () => {
    const { leases: twice } = parseLeases('0 52:54:00:00:00:01 10.0.0.5 * *\n0 52:54:00:00:00:02 10.0.0.5 * *\n');
    expect(new LeaseTable(twice).macFor('10.0.0.5')).toMatchObject({ reason: expect.stringContaining('refusing to guess') });
  });
});

describe('the lease fallback in NodeIndex.lookup', () => {
  const deployed = aNode({ name: 'deployed' });
  const cleaning = aNode({ name: 'cleaning', provision_state: 'cleaning' });
  const index = new NodeIndex(
    [
      { node: deployed, ports: [aPort(deployed, '52:54:00:AA:BB:CC')], portgroups: [] },
      { node: cleaning, ports: [aPort(cleaning, '52:54:00:00:00:99')], portgroups: [] },
    ],
    { matchNodeName: false },
  );
  const table = new LeaseTable(parseLeases('0 52:54:00:aa:bb:cc 10.0.0.5 * *\n0 52:54:00:00:00:99 10.0.0.6 * *\n0 52:54:00:00:00:77 10.0.0.7 * *\n').leases);

  it('goes from address to MAC to port to node', () => {
    const lookup = index.lookup('10.0.0.5', table);
    expect(lookup).toMatchObject({ found: true, method: 'dhcp_lease', entry: { node: deployed } });
    expect(lookup.trace.at(-1)?.detail).toBe('10.0.0.5 is leased to 52:54:00:aa:bb:cc, a port of node ' + `${deployed.uuid} (deployed)`);
  });

  it('never matches a lease whose MAC has no port on an eligible node', () => {
    expect(index.lookup('10.0.0.6', table)).toMatchObject({ found: false, ineligible: { node: cleaning } });
    expect(index.lookup('10.0.0.7', table)).toMatchObject({ found: false, reason: 'no node matches 10.0.0.7' });
    expect(index.lookup('10.0.0.7', table).trace.at(-1)?.detail).toContain("which is no node's port");
  });
});

describe('LeaseFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leases-'));
  const path = join(dir, 'dnsmasq.leases');
  const output: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const logger = createLogger({ level: 'warn', format: 'json', stream });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is empty, said once, while the file is missing, and reads it when it appears', () => {
    const file = new LeaseFile(path, logger, 0);
    expect(file.macFor('10.0.0.5')).toEqual({ reason: 'no DHCP lease for 10.0.0.5' });
    file.macFor('10.0.0.5');
    expect(output.join('')).toContain('cannot read the lease file');
    expect(output.join('').match(/cannot read the lease file/g)).toHaveLength(1);
    writeFileSync(path, '0 52:54:00:aa:bb:cc 10.0.0.5 * *\n');
    expect(file.macFor('10.0.0.5')).toMatchObject({ mac: '52:54:00:aa:bb:cc' });
  });

  it('sees a rewrite by rename, as dnsmasq does it, and logs malformed lines with their number', () => {
    const file = new LeaseFile(path, logger, 0);
    writeFileSync(path, '0 52:54:00:aa:bb:cc 10.0.0.5 * *\n');
    expect(file.macFor('10.0.0.5')).toMatchObject({ mac: '52:54:00:aa:bb:cc' });
    writeFileSync(`${path}.new`, 'broken line\n0 52:54:00:aa:bb:dd 10.0.0.5 * *\n');
    renameSync(`${path}.new`, path);
    expect(file.macFor('10.0.0.5')).toMatchObject({ mac: '52:54:00:aa:bb:dd' });
    expect(file.current().problems).toEqual([{ line: 1, text: 'broken line', reason: 'expected "EXPIRY MAC IP HOSTNAME CLIENT-ID", found 2 fields' }]);
    expect(output.join('')).toContain('"line":1');
  });
});

describe('parseLeases on arbitrary input (fuzz)', () => {
  it('never throws, and every line is either a lease or a numbered problem', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const fields = ['0', '1750802648', '-1', '1e9', '52:54:00:aa:bb:cc', '52:54:00:aa:bb', 'zz:zz:zz:zz:zz:zz', '10.0.0.5', '10.0.0.256', '2001:db8::1', '::', '*', 'duid', '00:01', '1234567', '', 'é', '\t', '%00'];
    for (let i = 0; i < 2000; i++) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 5) }, () => Array.from({ length: Math.floor(random() * 7) }, () => pick(fields)).join(pick([' ', '  ', '\t'])));
      const text = lines.join(pick(['\n', '\r\n']));
      const { leases, problems } = parseLeases(text);
      const nonBlank = text.split('\n').filter((line) => line.trim() !== '' && line.trim().split(/\s+/)[0] !== 'duid').length;
      expect(leases.length + problems.filter((problem) => !problem.reason.startsWith('expected "duid')).length).toBe(nonBlank);
    }
  });
});
