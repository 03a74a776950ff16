import { ConfigError, loadConfig } from './config';

describe('settings that contradict one another', () => {
  it.each([
    [
      { MAX_CONNECTIONS: '300', MAX_CONNECTIONS_PER_CLIENT: '500' },
      'invalid configuration: MAX_CONNECTIONS_PER_CLIENT: 500 is more than MAX_CONNECTIONS (300), the connections of all clients together; set it to at most 300, or 0 to derive it',
    ],
    [
      { BIND_ADDR: '0.0.0.0', BIND_PORT: '18600', ADMIN_BIND_ADDR: '0.0.0.0', ADMIN_BIND_PORT: '18600' },
      'invalid configuration: ADMIN_BIND_PORT: 18600 is BIND_PORT too, on overlapping addresses (BIND_ADDR 0.0.0.0, ADMIN_BIND_ADDR 0.0.0.0); give the admin listener another port or address',
    ],
    [{ BIND_ADDR: '127.0.0.1,127.0.0.1' }, 'invalid configuration: BIND_ADDR: 127.0.0.1 is listed twice; list each address once'],
  ])('%j stops the load with one line naming them', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('lets a per-client cap up to the total be, and either one derived', () => {
    expect(loadConfig({ MAX_CONNECTIONS: '300', MAX_CONNECTIONS_PER_CLIENT: '300' }).connections).toMatchObject({
      maxConnectionsPerClient: 300,
    });
    expect(loadConfig({ MAX_CONNECTIONS_PER_CLIENT: '500' }).connections).toMatchObject({
      maxConnections: 0,
      maxConnectionsPerClient: 500,
    });
    expect(loadConfig({ BIND_PORT: '9100', ADMIN_BIND_PORT: '9100' })).toMatchObject({
      bindAddrs: ['169.254.169.254'],
      adminBindAddr: '127.0.0.1',
    });
  });
});
