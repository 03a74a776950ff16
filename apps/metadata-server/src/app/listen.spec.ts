import fc from 'fast-check';
import { addressState, canonicalIPv6, parseIfInet6, type InterfaceAddress } from './interface-state';
import { connect } from 'node:net';
import { bindWhenReady, boundPort, closeGracefully, listen, type AddressWait } from './listen';

const errno = (code: string) => Object.assign(new Error(`listen ${code}`), { code });
const LLA = 'fe80::a9fe:a9fe';
const eth0 = (extra: Partial<InterfaceAddress>[] = []): InterfaceAddress[] => [
  { iface: 'lo', address: '127.0.0.1', prefix: 8, tentative: false, dadFailed: false },
  { iface: 'eth0', address: '10.0.0.2', prefix: 24, tentative: false, dadFailed: false },
  ...extra.map((entry) => ({ iface: 'eth0', address: LLA, prefix: 64, tentative: false, dadFailed: false, ...entry })),
];

/** A clock that only moves when the code under test sleeps, and a record of what it logged. */
function fakeWait(
  waitMs: number,
  states: InterfaceAddress[][],
): AddressWait & { logged: [string, Record<string, unknown>][]; slept: number[] } {
  let clock = 0;
  let call = 0;
  const logged: [string, Record<string, unknown>][] = [];
  const slept: number[] = [];
  return {
    waitMs,
    setting: 'BIND_ADDR',
    log: (message, fields) => logged.push([message, fields]),
    addresses: () => states[Math.min(call++, states.length - 1)],
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    now: () => clock,
    logged,
    slept,
  };
}

/** A bind that fails with each code in turn, then succeeds. */
function fakeBind(codes: string[]) {
  let attempts = 0;
  const bind = async () => {
    const code = codes[attempts++];
    if (code) throw errno(code);
    return 'bound';
  };
  return Object.assign(bind, { attempts: () => attempts });
}

describe('bindWhenReady', () => {
  it('waits for an address still in IPv6 duplicate address detection, logging each retry once', async () => {
    const wait = fakeWait(15_000, [eth0([{ tentative: true }])]);
    const bind = fakeBind(['EADDRNOTAVAIL', 'EADDRNOTAVAIL', 'EADDRNOTAVAIL']);
    await expect(bindWhenReady(bind, `${LLA}%eth0`, 80, wait)).resolves.toBe('bound');
    expect(bind.attempts()).toBe(4);
    expect(wait.slept).toEqual([100, 200, 400]);
    expect(wait.logged).toHaveLength(3);
    expect(wait.logged[0]).toEqual([
      `[${LLA}%eth0]:80: ${LLA}%eth0 is tentative (IPv6 duplicate address detection); retrying in 100 ms`,
      { attempt: 1, interfaces: `eth0: 10.0.0.2/24 ${LLA}/64 (tentative)` },
    ]);
  });

  it('waits for an address not yet added, with pauses doubling up to 2 s', async () => {
    const wait = fakeWait(15_000, [eth0()]);
    const bind = fakeBind(Array(7).fill('EADDRNOTAVAIL'));
    await expect(bindWhenReady(bind, '169.254.169.254', 80, wait)).resolves.toBe('bound');
    expect(wait.slept).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
    expect(wait.logged[0][0]).toBe('169.254.169.254:80: 169.254.169.254 is on no interface yet; retrying in 100 ms');
    expect(wait.logged[0][1]).toEqual({ attempt: 1, interfaces: 'lo: 127.0.0.1/8; eth0: 10.0.0.2/24' });
  });

  it('gives up after the wait with a valid ip -6 command for a link-local address', async () => {
    const wait = fakeWait(3_000, [eth0()]);
    const bind = fakeBind(Array(100).fill('EADDRNOTAVAIL'));
    await expect(bindWhenReady(bind, `${LLA}%eth0`, 80, wait)).rejects.toThrow(
      `cannot listen on [${LLA}%eth0]:80: EADDRNOTAVAIL after 6 attempts in 3 s: ${LLA}%eth0 is on no interface of this host (eth0: 10.0.0.2/24): add it (ip -6 addr add ${LLA}/64 dev eth0) or change BIND_ADDR`,
    );
    expect(wait.slept.reduce((a, b) => a + b)).toBe(3_000);
  });

  it('tells a tentative address that never settles from a missing one', async () => {
    const wait = fakeWait(1_000, [eth0([{ tentative: true }])]);
    await expect(bindWhenReady(fakeBind(Array(100).fill('EADDRNOTAVAIL')), `${LLA}%eth0`, 80, wait)).rejects.toThrow(
      `${LLA} is still tentative on eth0 (IPv6 duplicate address detection): raise BIND_WAIT_SECONDS, or turn DAD off for the link (sysctl -w net.ipv6.conf.eth0.accept_dad=0)`,
    );
  });

  it('fails at once when another host has the address (DAD failed)', async () => {
    const wait = fakeWait(15_000, [eth0([{ tentative: true, dadFailed: true }])]);
    const bind = fakeBind(Array(100).fill('EADDRNOTAVAIL'));
    await expect(bindWhenReady(bind, `${LLA}%eth0`, 80, wait)).rejects.toThrow(
      `another host on eth0 already has ${LLA} (IPv6 duplicate address detection failed)`,
    );
    expect(bind.attempts()).toBe(1);
  });

  it('fails at once with a wait of 0, naming the IPv4 command and the setting', async () => {
    const wait = { ...fakeWait(0, [eth0()]), setting: 'ADMIN_BIND_ADDR' };
    await expect(bindWhenReady(fakeBind(['EADDRNOTAVAIL']), '169.254.169.254', 9100, wait)).rejects.toThrow(
      'cannot listen on 169.254.169.254:9100: EADDRNOTAVAIL: 169.254.169.254 is on no interface of this host (lo: 127.0.0.1/8; eth0: 10.0.0.2/24): add it (ip addr add 169.254.169.254/32 dev <iface>) or change ADMIN_BIND_ADDR',
    );
  });

  it('does not retry other errors', async () => {
    const wait = fakeWait(15_000, [eth0()]);
    const bind = fakeBind(['EADDRINUSE']);
    await expect(bindWhenReady(bind, '127.0.0.1', 80, wait)).rejects.toThrow(
      'cannot listen on 127.0.0.1:80: EADDRINUSE: something already listens',
    );
    expect(bind.attempts()).toBe(1);
    expect(wait.logged).toEqual([]);
  });

  it('names a zone interface that does not exist', () => {
    expect(addressState(`${LLA}%eth9`, eth0()).summary).toBe('no interface eth9 (interfaces: lo, eth0)');
  });
});

describe('listen', () => {
  it('binds a real server on an address the host has', async () => {
    const server = await listen((_req, res) => res.end(), '127.0.0.1', 0, fakeWait(0, [[]]));
    expect(boundPort(server)).toBeGreaterThan(0);
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('closeGracefully', () => {
  /** A server answering once the request's body has all arrived, and a raw client sending `request`. */
  async function serverWith(request: string) {
    const server = await listen((req, res) => req.resume().on('end', () => res.end('ok')), '127.0.0.1', 0, fakeWait(0, [[]]));
    const client = connect(boundPort(server), '127.0.0.1');
    const answered = new Promise<string>((resolve) => {
      let text = '';
      client.on('data', (chunk) => (text += chunk.toString()));
      client.on('close', () => resolve(text));
      client.on('error', () => undefined);
    });
    client.write(request);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { server, client, answered };
  }

  it('cuts off, and counts, a request still in flight at the deadline', async () => {
    const { server, answered } = await serverWith('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\nhalf');
    expect(await closeGracefully([server], 100)).toBe(1);
    expect(await answered).toBe('');
  });

  it('counts nothing when the request finished in time or the connection was idle', async () => {
    const late = await serverWith('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\nhalf');
    const closing = closeGracefully([late.server], 2_000);
    late.client.write('done');
    expect(await closing).toBe(0);
    expect(await late.answered).toMatch(/^HTTP\/1\.1 200/);
    const idle = await serverWith('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await closeGracefully([idle.server], 100)).toBe(0);
    expect(await idle.answered).toMatch(/^HTTP\/1\.1 200/);
  });
});

describe('parseIfInet6', () => {
  it('reads the kernel lines, flags included', () => {
    const text = [
      'fe8000000000000000000000a9fea9fe 05 40 20 40     eth0',
      '00000000000000000000000000000001 01 80 10 80       lo',
      'fe8000000000000000000000a9fea9fe 06 40 20 c8   macv0',
      'garbage',
    ].join('\n');
    expect(parseIfInet6(text)).toEqual([
      { iface: 'eth0', address: LLA, prefix: 64, tentative: true, dadFailed: false },
      { iface: 'lo', address: '::1', prefix: 128, tentative: false, dadFailed: false },
      { iface: 'macv0', address: LLA, prefix: 64, tentative: true, dadFailed: true },
    ]);
  });

  it('reads back any address, prefix and flags the kernel could print', () => {
    fc.assert(
      fc.property(
        fc.ipV6(),
        fc.integer({ min: 0, max: 128 }),
        fc.integer({ min: 0, max: 255 }),
        fc.stringMatching(/^[a-z][a-z0-9.-]{0,14}$/),
        (address, prefix, flags, iface) => {
          const canonical = canonicalIPv6(address);
          const hex = expandIPv6(canonical);
          const line = `${hex} 02 ${prefix.toString(16).padStart(2, '0')} 20 ${flags.toString(16).padStart(2, '0')} ${iface.padStart(8)}`;
          expect(parseIfInet6(line)).toEqual([
            { iface, address: canonical, prefix, tentative: (flags & 0x40) !== 0, dadFailed: (flags & 0x08) !== 0 },
          ]);
        },
      ),
    );
  });
});

/** `fe80::1` -> the 32 hex digits /proc/net/if_inet6 prints. */
function expandIPv6(address: string): string {
  const [head, tail = ''] = address.split('::');
  const parts = (text: string) => (text ? text.split(':') : []);
  const groups = address.includes('::')
    ? [...parts(head), ...Array(8 - parts(head).length - parts(tail).length).fill('0'), ...parts(tail)]
    : parts(head);
  return groups.map((group) => group.padStart(4, '0')).join('');
}
