import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      source: {
        kind: 'ironic',
        url: 'http://localhost:6385',
        auth: { type: 'none' },
        pageSize: 1000,
        conductorGroup: undefined,
        shard: undefined,
      },
      bindAddrs: ['169.254.169.254'],
      bindPort: 80,
      adminBindAddr: '127.0.0.1',
      adminBindPort: 9100,
      bindWaitSeconds: 15,
      trustedProxies: [],
      allowedClients: [],
      proxySharedSecret: undefined,
      rateLimitPerClient: 50,
      staleBudgetSeconds: 3600,
      logLevel: 'info',
      leaseFile: '/shared/dnsmasq/dnsmasq.leases',
      imdsTokenRequired: false,
      imdsTokenKeyFile: undefined,
      matchNodeName: false,
      defaultAvailabilityZone: 'nova',
      region: 'RegionOne',
      syncIntervalSeconds: 30,
      passwordWrite: false,
      optimizeFor: 'memory',
      workers: undefined,
      vendorData: { staticFile: undefined, dynamicTargets: [], dynamicTimeoutSeconds: 5, dynamicFailureFatal: false },
      connections: { maxConnections: 0, maxConnectionsPerClient: 0, requestTimeoutSeconds: 5, keepAliveTimeoutSeconds: 5 },
      siteId: undefined,
      verifyClientMac: false,
    });
  });

  it('reads the connection limits, the site and its Ironic filters', () => {
    const config = loadConfig({
      MAX_CONNECTIONS: '3000',
      MAX_CONNECTIONS_PER_CLIENT: '50',
      REQUEST_TIMEOUT_SECONDS: '3',
      KEEPALIVE_TIMEOUT_SECONDS: '2',
      SITE_ID: 'dc1',
      IRONIC_CONDUCTOR_GROUP: 'rack-1',
      IRONIC_SHARD: 's1',
      VERIFY_CLIENT_MAC: 'true',
    });
    expect(config).toMatchObject({
      connections: { maxConnections: 3000, maxConnectionsPerClient: 50, requestTimeoutSeconds: 3, keepAliveTimeoutSeconds: 2 },
      siteId: 'dc1',
      verifyClientMac: true,
      source: { kind: 'ironic', conductorGroup: 'rack-1', shard: 's1' },
    });
  });

  it('refuses Ironic filters with an inventory file, and malformed site names', () => {
    expect(() => loadConfig({ INVENTORY_FILE: '/etc/inv.json', IRONIC_CONDUCTOR_GROUP: 'rack-1' })).toThrow(
      "invalid configuration: IRONIC_CONDUCTOR_GROUP: filters Ironic's nodes, but INVENTORY_FILE is set; unset one of them (an inventory file lists one site's nodes itself)",
    );
    expect(() => loadConfig({ SITE_ID: 'dc 1' })).toThrow(
      'invalid configuration: SITE_ID: expected a site name of letters, digits, ".", "_" and "-", e.g. dc1',
    );
    expect(() => loadConfig({ REQUEST_TIMEOUT_SECONDS: '0' })).toThrow(
      'invalid configuration: REQUEST_TIMEOUT_SECONDS: expected a whole number from 1 to 300, got "0"',
    );
  });

  it('selects the inventory file source and reads every override', () => {
    const config = loadConfig({
      INVENTORY_FILE: '/etc/inv.json',
      BIND_ADDR: '127.0.0.1',
      BIND_PORT: '8080',
      LOG_LEVEL: 'DEBUG',
      IMDS_TOKEN_REQUIRED: 'yes',
      REGION: 'us-east-1',
      IMDS_TOKEN_KEY_FILE: '/etc/ironic-metadata/token-keys',
      ALLOWED_CLIENTS: '10.0.0.0/16, fd00::/64',
    });
    expect(config).toMatchObject({
      source: { kind: 'file', path: '/etc/inv.json' },
      bindAddrs: ['127.0.0.1'],
      bindPort: 8080,
      logLevel: 'debug',
      imdsTokenRequired: true,
      region: 'us-east-1',
      imdsTokenKeyFile: '/etc/ironic-metadata/token-keys',
      allowedClients: ['10.0.0.0/16', 'fd00::/64'],
    });
    expect(
      loadConfig({ BIND_ADDR: '169.254.169.254, fe80::a9fe:a9fe%eth0', TRUSTED_PROXIES: '10.0.0.0/24,fd00::/64,192.0.2.7' }),
    ).toMatchObject({
      bindAddrs: ['169.254.169.254', 'fe80::a9fe:a9fe%eth0'],
      trustedProxies: ['10.0.0.0/24', 'fd00::/64', '192.0.2.7'],
    });
  });

  it('builds Ironic auth from the conventional OS_ variables', () => {
    expect(loadConfig({ OS_AUTH_TYPE: 'http_basic', OS_USERNAME: 'u', OS_PASSWORD: 'p' }).source).toEqual({
      kind: 'ironic',
      url: 'http://localhost:6385',
      auth: { type: 'http_basic', username: 'u', password: 'p' },
      pageSize: 1000,
    });
    const keystone = loadConfig({
      OS_AUTH_TYPE: 'password',
      OS_AUTH_URL: 'http://ks:5000',
      OS_USERNAME: 'u',
      OS_PASSWORD: 'p',
      OS_PROJECT_NAME: 'admin',
    });
    expect(keystone.source).toMatchObject({
      url: undefined,
      auth: { type: 'keystone', authUrl: 'http://ks:5000', projectName: 'admin', userDomainName: 'default' },
    });
    expect(
      loadConfig({
        OS_AUTH_TYPE: 'password',
        OS_AUTH_URL: 'http://ks:5000',
        OS_USERNAME: 'u',
        OS_PASSWORD: 'p',
        OS_PROJECT_NAME: 'admin',
        IRONIC_URL: 'http://ironic:6385',
      }).source,
    ).toMatchObject({ url: 'http://ironic:6385' });
  });

  it.each([
    [{ BIND_PORT: 'eighty' }, 'invalid configuration: BIND_PORT: expected a whole number from 0 to 65535, got "eighty"'],
    [{ BIND_PORT: '70000' }, 'BIND_PORT: expected a whole number from 0 to 65535, got "70000"'],
    [{ BIND_ADDR: 'localhost' }, 'BIND_ADDR: expected IPv4 or IPv6 addresses, comma separated, got "localhost"'],
    [{ TRUSTED_PROXIES: '10.0.0.0/33' }, 'TRUSTED_PROXIES: expected CIDRs such as 10.0.0.0/24, comma separated, got "10.0.0.0/33"'],
    [
      { ALLOWED_CLIENTS: '10.0.0.0/16, 10.1.0.0/' },
      'ALLOWED_CLIENTS: expected CIDRs such as 10.0.0.0/16, comma separated, got "10.1.0.0/"',
    ],
    [{ METADATA_PROXY_SHARED_SECRET: 'short' }, 'METADATA_PROXY_SHARED_SECRET: expected at least 16 characters'],
    [{ ADMIN_BIND_PORT: '-1' }, 'ADMIN_BIND_PORT: expected a whole number from 0 to 65535, got "-1"'],
    [{ BIND_WAIT_SECONDS: '2m' }, 'BIND_WAIT_SECONDS: expected a whole number from 0 to 600, got "2m"'],
    [{ IRONIC_URL: 'localhost:6385' }, 'IRONIC_URL: expected an http:// or https:// URL, got "localhost:6385"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: expected one of error, warn, info'],
    [{ IRONIC_PAGE_SIZE: '5000' }, 'IRONIC_PAGE_SIZE: expected a whole number from 1 to 1000, got "5000"'],
    [
      { VENDOR_DATA_DYNAMIC_TARGETS: 'http://no-name' },
      'VENDOR_DATA_DYNAMIC_TARGETS: expected name@http(s)://host/path, comma separated, got "http://no-name"',
    ],
    [{ METADATA_PASSWORD_WRITE: 'perhaps' }, 'METADATA_PASSWORD_WRITE: expected true or false, got "perhaps"'],
    [{ OPTIMIZE_FOR: 'both' }, 'OPTIMIZE_FOR: expected memory or speed'],
    [{ WORKERS: '65' }, 'WORKERS: expected a whole number from 0 to 64, got "65"'],
    [{ REGION: 'us east 1' }, 'REGION: expected a region name without spaces or slashes, e.g. RegionOne or us-east-1'],
    [{ IMDS_TOKEN_REQUIRED: 'maybe' }, 'IMDS_TOKEN_REQUIRED: expected true or false, got "maybe"'],
    [{ OS_AUTH_TYPE: 'kerberos' }, 'OS_AUTH_TYPE: expected one of none, noauth, http_basic, password, v3password'],
    [{ OS_AUTH_TYPE: 'http_basic', OS_USERNAME: 'u' }, 'OS_PASSWORD: required when OS_AUTH_TYPE is http_basic'],
  ])('rejects %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("reads Nova's vendor data settings", () => {
    expect(
      loadConfig({
        VENDOR_DATA_FILE: '/etc/vd.json',
        VENDOR_DATA_DYNAMIC_TARGETS: 'join@http://127.0.0.1:9000/join, keys@https://k.example/v1',
        VENDOR_DATA_DYNAMIC_FAILURE_FATAL: 'true',
      }).vendorData,
    ).toEqual({
      staticFile: '/etc/vd.json',
      dynamicTargets: [
        { name: 'join', url: 'http://127.0.0.1:9000/join' },
        { name: 'keys', url: 'https://k.example/v1' },
      ],
      dynamicTimeoutSeconds: 5,
      dynamicFailureFatal: true,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ BIND_PORT: '', INVENTORY_FILE: '' })).toMatchObject({ bindPort: 80, source: { kind: 'ironic' } });
  });
});
