import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { createLogger } from '@ironic-metadata/logging';
import { aNode, aPort } from '@ironic-metadata/ironic-model/testing';
import { NodeIndex } from '../node-index';
import { LeaseFile, leaseFileFailure } from './lease-file';
import { hexBytes } from '@ironic-metadata/node-addresses';
import { parseLeases, type Lease } from '@ironic-metadata/node-addresses';
import { LeaseTable } from '@ironic-metadata/node-addresses';

const FILE = `1750802648 9c:6b:00:70:59:8B 10.1.105.195 web-1 01:9c:6b:00:70:59:8b
0 52:54:00:aa:bb:cc 10.1.105.10 * *
duid 00:01:00:01:2c:4d:3a:1e:52:54:00:12:34:56
1750802648 1234567 2001:db8::10 web-1 00:04:9c:6b:00:70:59:8b:9c:6b:00:70:59:8b:9c:6b:00:70:59:8b
0 1913652481 2001:db8::23 node-6 00:03:00:01:52:54:00:00:10:01
0 T1913652482 2001:DB8::24 * 00:01:00:01:2c:5f:1a:11:52:54:00:00:10:01
`;

describe('parseLeases', () => {
  it('reads IPv4 leases with MACs, and IPv6 leases with their IAID, the server DUID and the MAC in the client DUID', () => {
    const { leases, problems } = parseLeases(FILE);
    expect(problems).toEqual([]);
    expect(leases).toEqual([
      {
        line: 1,
        family: 4,
        ip: '10.1.105.195',
        expiresAt: 1750802648,
        hardwareType: 1,
        hardwareAddress: '9c:6b:00:70:59:8b',
        mac: '9c:6b:00:70:59:8b',
        hostname: 'web-1',
        clientId: '01:9c:6b:00:70:59:8b',
      },
      {
        line: 2,
        family: 4,
        ip: '10.1.105.10',
        expiresAt: 0,
        hardwareType: 1,
        hardwareAddress: '52:54:00:aa:bb:cc',
        mac: '52:54:00:aa:bb:cc',
        hostname: undefined,
        clientId: undefined,
      },
      expect.objectContaining({
        line: 4,
        family: 6,
        ip: '2001:db8::10',
        iaid: 1234567,
        temporary: false,
        serverDuid: '00:01:00:01:2c:4d:3a:1e:52:54:00:12:34:56',
        duid: expect.objectContaining({ typeName: 'DUID-UUID' }),
        noMac: 'its client DUID is a DUID-UUID, which carries no link-layer address',
      }),
      expect.objectContaining({
        line: 5,
        family: 6,
        ip: '2001:db8::23',
        iaid: 1913652481,
        temporary: false,
        hostname: 'node-6',
        mac: '52:54:00:00:10:01',
        duid: expect.objectContaining({ typeName: 'DUID-LL' }),
      }),
      expect.objectContaining({
        line: 6,
        family: 6,
        ip: '2001:db8::24',
        iaid: 1913652482,
        temporary: true,
        hostname: undefined,
        mac: '52:54:00:00:10:01',
        duid: expect.objectContaining({ typeName: 'DUID-LLT' }),
      }),
    ]);
  });

  it('keeps a well-formed lease of other hardware, or with no client DUID, and says why it names no MAC', () => {
    const text = [
      '0 20-80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:1f:9e:71 10.0.0.9 ib-1 *',
      'duid 00:01:00:01:2c:4d:3a:1e:52:54:00:12:34:56',
      '0 7 2001:db8::7 * *',
      '0 8 2001:db8::8 * 00:02:00:00:00:09:0c:c0:84:d3:03:00:09:12',
      'vendorclass 10.0.0.9 50:58:45:43',
      'agent-info 2001:db8::8 01:04:00:00:00:01',
    ].join('\n');
    const { leases, problems } = parseLeases(text);
    expect(problems).toEqual([]);
    expect(leases.map((lease) => `${lease.line}: ${lease.noMac}`)).toEqual([
      '1: its hardware address 20-80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:1f:9e:71: hardware type 32 is not Ethernet (1)',
      '3: it names no client DUID',
      '4: its client DUID is a DUID-EN, which carries no link-layer address',
    ]);
  });

  it('reports each malformed line with its number and keeps the rest', () => {
    const text = [
      'soon 52:54:00:aa:bb:cc 10.0.0.1 * *',
      '1750802648 not-a-mac 10.0.0.2 * *',
      '1750802648 52:54:00:aa:bb:cc 10.0.0.300 * *',
      'garbage',
      'duid',
      '1750802648 52:54:00:aa:bb:cd 10.0.0.4 * *',
      '0 X12 2001:db8::1 * *',
      '0 4294967296 2001:db8::2 * *',
      'vendorclass nowhere 00',
    ].join('\n');
    const { leases, problems } = parseLeases(text);
    expect(leases.map((lease) => lease.ip)).toEqual(['10.0.0.4']);
    expect(problems.map((problem) => `${problem.line}: ${problem.reason}`)).toEqual([
      '1: expected the expiry as Unix seconds, found "soon"',
      '2: expected a MAC address (or TYPE-hex bytes for other hardware), found "not-a-mac"',
      '3: expected an IP address, found "10.0.0.300"',
      '4: expected "EXPIRY MAC IP HOSTNAME CLIENT-ID" (or "EXPIRY IAID IP HOSTNAME CLIENT-DUID"), found 1 fields',
      '5: expected "duid <server DUID as hex bytes>"',
      '7: expected the IAID of an IPv6 lease (a 32-bit number, "T" before it for a temporary address), found "X12"',
      '8: expected the IAID of an IPv6 lease (a 32-bit number, "T" before it for a temporary address), found "4294967296"',
      '9: expected "vendorclass ADDRESS HEX-BYTES"',
    ]);
  });
});

/** A lease as dnsmasq holds it, before it writes the line (`lease_update_file` in dnsmasq's src/lease.c). */
type HeldLease =
  | { family: 4; expires: number; hardwareType: number; hardware: number[]; ip: string; hostname?: string; clientId?: number[] }
  | { family: 6; expires: number; temporary: boolean; iaid: number; ip: string; hostname?: string; duid?: number[] };

/** The line dnsmasq writes: `%lu `, the hardware type as `%.2x-` unless Ethernet with an address, bytes as `%.2x:`. */
function dnsmasqLine(lease: HeldLease): string {
  const tail = `${lease.hostname ?? '*'} ${(lease.family === 4 ? lease.clientId : lease.duid)?.length ? hexBytes((lease.family === 4 ? lease.clientId : lease.duid) as number[]) : '*'}`;
  if (lease.family === 6) return `${lease.expires} ${lease.temporary ? 'T' : ''}${lease.iaid} ${lease.ip} ${tail}`;
  const type = lease.hardwareType !== 1 || lease.hardware.length === 0 ? `${lease.hardwareType.toString(16).padStart(2, '0')}-` : '';
  return `${lease.expires} ${type}${hexBytes(lease.hardware)} ${lease.ip} ${tail}`;
}

const byte = fc.integer({ min: 0, max: 255 });
const bytesOf = (min: number, max: number) => fc.array(byte, { minLength: min, maxLength: max });
const u16 = (value: number) => [value >> 8, value & 0xff];
/** IPv6 as inet_ntop writes it (never IPv4-mapped: dnsmasq leases no such address). */
const ipv6 = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 })
  .map((groups) => new URL(`http://[${groups.map((group) => group.toString(16)).join(':')}]/`).hostname.slice(1, -1))
  .filter((ip) => !ip.startsWith('::ffff:') && ip.includes(':'));
const hostname = fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/), { nil: undefined });
/** Every kind of client DUID, with the MAC it names when it is a DUID-LL or DUID-LLT of Ethernet. */
const duid = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(1, 3),
      fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 0xffff })),
      bytesOf(4, 4),
      fc.oneof(bytesOf(6, 6), bytesOf(1, 20)),
    )
    .map(([type, hardwareType, time, address]) => ({
      bytes: [...u16(type), ...u16(hardwareType), ...(type === 1 ? time : []), ...address],
      mac: hardwareType === 1 && address.length === 6 ? hexBytes(address) : undefined,
    })),
  fc.tuple(bytesOf(4, 4), bytesOf(1, 32)).map(([enterprise, id]) => ({ bytes: [...u16(2), ...enterprise, ...id], mac: undefined })),
  bytesOf(16, 16).map((uuid) => ({ bytes: [...u16(4), ...uuid], mac: undefined })),
  fc
    .tuple(
      fc.integer({ min: 0, max: 0xffff }).filter((type) => type < 1 || type > 4),
      bytesOf(0, 40),
    )
    .map(([type, rest]) => ({ bytes: [...u16(type), ...rest], mac: undefined })),
);
const expires = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 40 }));
const lease4 = fc.record({
  expires,
  hardwareType: fc.oneof(fc.constant(1), byte),
  hardware: fc.oneof(bytesOf(6, 6), bytesOf(0, 20)),
  ip: fc.ipV4(),
  hostname,
  clientId: fc.option(bytesOf(1, 255), { nil: undefined }),
});
const lease6 = fc.record({
  expires,
  temporary: fc.boolean(),
  iaid: fc.integer({ min: 0, max: 0xffffffff }),
  ip: ipv6,
  hostname,
  duid: fc.option(duid, { nil: undefined }),
});

describe('parseLeases on lease files as dnsmasq writes them (properties)', () => {
  it('reads every IPv4 and IPv6 lease back, never calls a well-formed line malformed, and finds a MAC exactly where one is written', () => {
    fc.assert(
      fc.property(
        fc.array(lease4, { maxLength: 6 }),
        fc.array(lease6, { maxLength: 6 }),
        bytesOf(1, 130),
        fc.boolean(),
        (v4, v6, serverDuid, options) => {
          const held: HeldLease[] = [
            ...v4.map((lease) => ({ ...lease, family: 4 as const })),
            ...v6.map((lease) => ({ ...lease, family: 6 as const, duid: lease.duid?.bytes })),
          ];
          const lines = [
            ...held.filter((lease) => lease.family === 4).map(dnsmasqLine),
            `duid ${hexBytes(serverDuid)}`,
            ...held.filter((lease) => lease.family === 6).map(dnsmasqLine),
          ];
          if (options && held.length > 0) lines.push(`vendorclass ${held[0].ip} 50:58:45:43`, `agent-info ${held[0].ip} 01:04:00:00:00:01`);
          const { leases, problems } = parseLeases(`${lines.join('\n')}\n`);
          expect(problems).toEqual([]);
          expect(leases).toHaveLength(held.length);
          leases.forEach((lease: Lease, index) => {
            const written = held[index];
            expect(lease).toMatchObject({ family: written.family, expiresAt: written.expires, hostname: written.hostname });
            expect(lease.ip).toBe(written.family === 4 ? written.ip : new URL(`http://[${written.ip}]/`).hostname.slice(1, -1));
            const mac =
              written.family === 4
                ? written.hardwareType === 1 && written.hardware.length === 6
                  ? hexBytes(written.hardware)
                  : undefined
                : v6[index - v4.length].duid?.mac;
            expect(lease.mac).toBe(mac);
            expect(lease.noMac === undefined).toBe(mac !== undefined);
            if (lease.family === 6 && written.family === 6)
              expect(lease).toMatchObject({ iaid: written.iaid, temporary: written.temporary, serverDuid: hexBytes(serverDuid) });
          });
        },
      ),
    );
  });

  it('never throws on any text, and every line is a lease, a problem, or one of the non-lease lines', () => {
    const token = fc.constantFrom(
      '0',
      '1750802648',
      '-1',
      '1e9',
      'T7',
      'T',
      '52:54:00:aa:bb:cc',
      '20-80:00',
      '00-',
      'zz:zz',
      '10.0.0.5',
      '10.0.0.256',
      '2001:db8::1',
      '::',
      '*',
      'duid',
      'vendorclass',
      '00:01',
      '1234567',
      'é',
      '%00',
    );
    const line = fc.array(fc.oneof(token, fc.string({ maxLength: 8 })), { maxLength: 7 }).map((fields) => fields.join(' '));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), fc.constantFrom('\n', '\r\n'), (lines, newline) => {
        const text = lines.join(newline);
        const { leases, problems } = parseLeases(text);
        const counted = text
          .split('\n')
          .filter((raw) => raw.trim() !== '' && !['duid', 'vendorclass', 'agent-info'].includes(raw.trim().split(/\s+/)[0])).length;
        expect(leases.length + problems.filter((problem) => !/^expected "(duid|vendorclass|agent-info) /.test(problem.reason)).length).toBe(
          counted,
        );
      }),
    );
  });
});

describe('LeaseTable', () => {
  const { leases } = parseLeases(FILE);

  it('answers the MAC of a live lease, and says why otherwise', () => {
    const table = new LeaseTable(leases, () => 1750802000);
    expect(table.macFor('10.1.105.195')).toMatchObject({ mac: '9c:6b:00:70:59:8b' });
    expect(table.macFor('10.1.105.10')).toMatchObject({ mac: '52:54:00:aa:bb:cc' });
    expect(table.macFor('10.9.9.9')).toEqual({ reason: 'no DHCP lease for 10.9.9.9' });
    expect(table.macFor('2001:db8::10')).toEqual({
      reason: 'the DHCP lease for 2001:db8::10 (line 4) names no MAC: its client DUID is a DUID-UUID, which carries no link-layer address',
    });
    expect(table.macFor('2001:db8::23')).toMatchObject({ mac: '52:54:00:00:10:01' });
    expect(table.macFor('2001:db8::24')).toMatchObject({ mac: '52:54:00:00:10:01', lease: { temporary: true } });
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
  const table = new LeaseTable(
    parseLeases('0 52:54:00:aa:bb:cc 10.0.0.5 * *\n0 52:54:00:00:00:99 10.0.0.6 * *\n0 52:54:00:00:00:77 10.0.0.7 * *\n').leases,
  );

  it('goes from address to MAC to port to node', () => {
    const lookup = index.lookup('10.0.0.5', table);
    expect(lookup).toMatchObject({ found: true, method: 'dhcp_lease', entry: { node: deployed } });
    expect(lookup.trace.at(-1)?.detail).toBe('10.0.0.5 is leased to 52:54:00:aa:bb:cc, a port of node ' + `${deployed.uuid} (deployed)`);
  });

  it('finds an IPv6 client through the MAC in its client DUID, exactly as an IPv4 one', () => {
    const v6 = new LeaseTable(
      parseLeases(
        'duid 00:01:00:01:2c:5f:1a:00:52:54:00:00:00:fe\n0 1 2001:db8::23 * 00:03:00:01:52:54:00:aa:bb:cc\n0 T2 2001:db8::24 * 00:01:00:01:2c:5f:1a:11:52:54:00:aa:bb:cc\n0 3 2001:db8::25 * 00:02:00:00:00:09:0c:c0:84:d3:03:00:09:12\n',
      ).leases,
    );
    expect(index.lookup('2001:DB8::23', v6)).toMatchObject({ found: true, method: 'dhcp_lease', entry: { node: deployed } });
    expect(index.lookup('2001:db8::23', v6).trace.at(-1)?.detail).toBe(
      `2001:db8::23 is leased to 52:54:00:aa:bb:cc (the MAC in its client DUID, a DUID-LL), a port of node ${deployed.uuid} (deployed)`,
    );
    expect(index.lookup('2001:db8::24', v6)).toMatchObject({ found: true, entry: { node: deployed } });
    const unmatched = index.lookup('2001:db8::25', v6);
    expect(unmatched).toMatchObject({ found: false, reason: 'no node matches 2001:db8::25' });
    expect(unmatched.trace.at(-1)).toEqual({
      method: 'dhcp_lease',
      outcome: 'no-match',
      detail: 'the DHCP lease for 2001:db8::25 (line 4) names no MAC: its client DUID is a DUID-EN, which carries no link-layer address',
    });
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
    output.length = 0;
    const file = new LeaseFile(path, logger, 0);
    expect(file.macFor('10.0.0.5')).toEqual({ reason: `no DHCP lease for 10.0.0.5: the lease file ${path} does not exist` });
    file.macFor('10.0.0.5');
    expect(output.join('')).toContain(`the lease file ${path} does not exist; the DHCP lease fallback is off until it can be read`);
    expect(output.join('').match(/the DHCP lease fallback is off/g)).toHaveLength(1);
    writeFileSync(path, '0 52:54:00:aa:bb:cc 10.0.0.5 * *\n');
    expect(file.macFor('10.0.0.5')).toMatchObject({ mac: '52:54:00:aa:bb:cc' });
    expect(file.current().failure).toBeUndefined();
  });

  it('never throws for a file it cannot read (a directory): no leases, the reason once in the log, read once it is a file', () => {
    output.length = 0;
    const misplaced = join(dir, 'misplaced.leases');
    mkdirSync(misplaced);
    const file = new LeaseFile(misplaced, logger, 0);
    expect(file.macFor('10.0.0.5')).toEqual({
      reason: `no DHCP lease for 10.0.0.5: the lease file ${misplaced} is a directory, not a file`,
    });
    expect(file.current()).toMatchObject({ failure: { code: 'EISDIR' }, problems: [] });
    expect(output.join('').match(/the DHCP lease fallback is off/g)).toHaveLength(1);
    expect(output.join('')).toContain(
      "the DHCP lease fallback is off until it can be read; point LEASE_FILE at dnsmasq's --dhcp-leasefile",
    );
    rmSync(misplaced, { recursive: true });
    writeFileSync(misplaced, '0 52:54:00:aa:bb:cc 10.0.0.5 * *\n');
    expect(file.macFor('10.0.0.5')).toMatchObject({ mac: '52:54:00:aa:bb:cc' });
  });

  it('names each read failure with its code, and says an unknown one in its own words', () => {
    const error = (code: string | undefined, message: string) => Object.assign(new Error(message), { code });
    expect(leaseFileFailure('/l', error('EACCES', 'x'))).toEqual({
      code: 'EACCES',
      reason: 'the lease file /l is not readable by this user (permission denied)',
    });
    expect(leaseFileFailure('/l', error('ELOOP', 'too many symbolic links'))).toEqual({
      code: 'ELOOP',
      reason: 'the lease file /l cannot be read (too many symbolic links)',
    });
  });

  it('sees a rewrite by rename, as dnsmasq does it, and logs malformed lines with their number', () => {
    const file = new LeaseFile(path, logger, 0);
    writeFileSync(path, '0 52:54:00:aa:bb:cc 10.0.0.5 * *\n');
    expect(file.macFor('10.0.0.5')).toMatchObject({ mac: '52:54:00:aa:bb:cc' });
    writeFileSync(`${path}.new`, 'broken line\n0 52:54:00:aa:bb:dd 10.0.0.5 * *\n');
    renameSync(`${path}.new`, path);
    expect(file.macFor('10.0.0.5')).toMatchObject({ mac: '52:54:00:aa:bb:dd' });
    expect(file.current().problems).toEqual([
      {
        line: 1,
        text: 'broken line',
        reason: 'expected "EXPIRY MAC IP HOSTNAME CLIENT-ID" (or "EXPIRY IAID IP HOSTNAME CLIENT-DUID"), found 2 fields',
      },
    ]);
    expect(output.join('')).toContain('"line":1');
  });
});
