import { connectionCaps, openFileSoftLimit } from './open-file-limit';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max processes             63704                63704                processes
Max open files            4096                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe('openFileSoftLimit', () => {
  it('reads the soft limit of "Max open files"', () => {
    expect(openFileSoftLimit(LIMITS)).toBe(4096);
    expect(openFileSoftLimit(LIMITS.replace('4096 ', 'unlimited'))).toBeUndefined();
    expect(openFileSoftLimit('')).toBeUndefined();
  });

  it("reads this process's own limit on Linux", () => {
    expect(openFileSoftLimit()).toBeGreaterThan(0);
  });
});

describe('connectionCaps', () => {
  const derived = { maxConnections: 0, maxConnectionsPerClient: 0 };

  it('keeps a reserve below the open-file limit and derives the per-client cap from the total', () => {
    expect(connectionCaps(4096, derived)).toEqual({ openFiles: 4096, reserve: 512, maxConnections: 3584, maxConnectionsPerClient: 100 });
    expect(connectionCaps(1024, derived)).toEqual({ openFiles: 1024, reserve: 256, maxConnections: 768, maxConnectionsPerClient: 24 });
    expect(connectionCaps(undefined, derived).openFiles).toBe(1024);
  });

  it('takes configured caps that fit, and never a per-client cap above the total', () => {
    expect(connectionCaps(4096, { maxConnections: 2000, maxConnectionsPerClient: 10 })).toMatchObject({
      maxConnections: 2000,
      maxConnectionsPerClient: 10,
    });
    expect(connectionCaps(4096, { maxConnections: 50, maxConnectionsPerClient: 80 })).toMatchObject({
      maxConnections: 50,
      maxConnectionsPerClient: 50,
    });
  });

  it('refuses a total that eats into the reserve, and a limit too low to serve, naming the fix', () => {
    expect(() => connectionCaps(4096, { maxConnections: 4000, maxConnectionsPerClient: 0 })).toThrow(
      'MAX_CONNECTIONS is 4000, but the open-file limit is 4096 and 512 descriptors are kept for files, Ironic and the admin listener: set it to at most 3584, or raise the open-file limit',
    );
    expect(() => connectionCaps(260, derived)).toThrow(
      'the open-file limit is 260, too low to serve: raise it to at least 512 (LimitNOFILE= in the systemd unit, ulimits in compose, ulimit -n)',
    );
  });
});
