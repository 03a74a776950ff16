import fc from 'fast-check';
import { NeighbourTable, parseIpNeighJson, parseProcNetArp } from './neighbour-table';

const ARP = `IP address       HW type     Flags       HW address            Mask     Device
10.77.0.11       0x1         0x2         02:00:00:aa:00:11     *        gdbr
10.77.0.12       0x1         0x0         00:00:00:00:00:00     *        gdbr
10.77.0.13       0x1         0x6         02:00:00:AA:00:13     *        gdbr
`;

describe('parseProcNetArp', () => {
  it('reads complete entries, MACs normalised, and leaves out incomplete ones', () => {
    expect(parseProcNetArp(ARP)).toEqual(
      new Map([
        ['10.77.0.11', '02:00:00:aa:00:11'],
        ['10.77.0.13', '02:00:00:aa:00:13'],
      ]),
    );
    expect(parseProcNetArp('IP address HW type Flags HW address Mask Device\n')).toEqual(new Map());
  });

  it('gives back every complete entry written in the kernel layout', () => {
    const entry = fc.record({
      ip: fc.ipV4(),
      mac: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 }),
      complete: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.ip }), (entries) => {
        const hex = (bytes: number[]) => bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(':');
        const text = [
          'IP address       HW type     Flags       HW address            Mask     Device',
          ...entries.map((e) => `${e.ip.padEnd(17)}0x1         ${e.complete ? '0x2' : '0x0'}         ${hex(e.mac)}     *        eth0`),
        ].join('\n');
        expect(parseProcNetArp(text)).toEqual(new Map(entries.filter((e) => e.complete).map((e) => [e.ip, hex(e.mac)])));
      }),
    );
  });
});

describe('parseIpNeighJson', () => {
  it('reads resolved entries, addresses normalised, and leaves out failed and incomplete ones', () => {
    const text = JSON.stringify([
      { dst: 'FE80::0:1', dev: 'gdbr', lladdr: '02:00:00:AA:00:11', state: ['REACHABLE'] },
      { dst: 'fe80::2', dev: 'gdbr', lladdr: '02:00:00:aa:00:12', state: ['STALE'] },
      { dst: 'fe80::3', dev: 'gdbr', state: ['FAILED'] },
      { dst: 'fe80::4', dev: 'gdbr', lladdr: '02:00:00:aa:00:14', state: ['INCOMPLETE'] },
    ]);
    expect(parseIpNeighJson(text)).toEqual(
      new Map([
        ['fe80::1', '02:00:00:aa:00:11'],
        ['fe80::2', '02:00:00:aa:00:12'],
      ]),
    );
    expect(parseIpNeighJson('')).toEqual(new Map());
  });
});

describe('NeighbourTable', () => {
  it('reads each family when asked, shares a read for 200 ms, then reads again; an address missing from a shared read is read afresh', async () => {
    let now = 0;
    let reads = 0;
    let arp = ARP;
    const table = new NeighbourTable(
      { ipv4: async () => (reads++, arp), ipv6: async () => '[{"dst":"fe80::1","lladdr":"02:00:00:aa:00:11","state":["REACHABLE"]}]' },
      () => now,
    );
    expect(await table.macFor('::ffff:10.77.0.11')).toBe('02:00:00:aa:00:11');
    arp = ARP.replace('02:00:00:aa:00:11', '02:00:00:bb:00:22');
    expect(await table.macFor('10.77.0.11')).toBe('02:00:00:aa:00:11');
    now += 200;
    expect(await table.macFor('10.77.0.11')).toBe('02:00:00:bb:00:22');
    expect(reads).toBe(2);
    expect(await table.macFor('10.77.0.12')).toBeUndefined();
    expect(reads).toBe(3);
    expect(await table.macFor('10.77.0.11', { fresh: true })).toBe('02:00:00:bb:00:22');
    expect(reads).toBe(4);
    expect(await table.macFor('fe80::1%eth0')).toBe('02:00:00:aa:00:11');
  });

  it('reads again after a failed read', async () => {
    let fail = true;
    const table = new NeighbourTable(
      { ipv4: async () => (fail ? Promise.reject(new Error('no /proc')) : ARP), ipv6: async () => '[]' },
      () => 0,
    );
    await expect(table.macFor('10.77.0.11')).rejects.toThrow('no /proc');
    fail = false;
    expect(await table.macFor('10.77.0.11')).toBe('02:00:00:aa:00:11');
  });
});
