import { createServer, type Server } from 'node:net';
import { ADMIN_LISTENER, bindCheck, bindResult } from './bind-check';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`listen ${code}`), { code });

describe('the bind check', () => {
  it('passes when the address and port can be bound', async () => {
    expect(await bindCheck(['127.0.0.1'], 0)).toMatchObject({ status: 'pass', detail: '127.0.0.1:0 can be bound' });
  });

  it('warns when something already listens there, which may be the service itself', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      expect(await bindCheck(['127.0.0.1'], port)).toMatchObject({
        status: 'warn',
        detail: `something already listens on 127.0.0.1:${port}: the service itself, if it is running`,
      });
    } finally {
      server.close();
    }
  });

  it('fails for an address this host does not have, and is as bad as the worst of several addresses', async () => {
    const check = await bindCheck(['127.0.0.1', '192.0.2.77'], 0);
    expect(check).toMatchObject({ status: 'fail', detail: '127.0.0.1:0 can be bound\n192.0.2.77 is not an address of this host' });
    expect(check.fix).toContain('ip addr add 192.0.2.77/32 dev lo');
  });

  it('checks the admin listener under its own name, with its own variables in the fixes', async () => {
    const check = await bindCheck(['192.0.2.78'], 9100, ADMIN_LISTENER);
    expect(check).toMatchObject({
      id: 'admin-bind',
      title: 'admin address usable',
      status: 'fail',
      fix: expect.stringContaining('or set ADMIN_BIND_ADDR'),
    });
    expect(bindResult('127.0.0.1', 80, errno('EACCES'), ADMIN_LISTENER).fix).toMatch(/set ADMIN_BIND_PORT to 1024 or above$/);
  });

  it('names the fix for each failure to listen', () => {
    expect(bindResult('169.254.169.254', 80, errno('EACCES'))).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('CAP_NET_BIND_SERVICE'),
    });
    expect(bindResult('fe80::a9fe:a9fe', 80, errno('EADDRNOTAVAIL')).fix).toContain('ip -6 addr add fe80::a9fe:a9fe/64 dev lo');
    expect(bindResult('fe80::a9fe:a9fe%eth0', 80, errno('EADDRNOTAVAIL')).fix).toContain('ip -6 addr add fe80::a9fe:a9fe/64 dev eth0');
    expect(bindResult('::1', 80, errno('EADDRINUSE')).detail).toContain('[::1]:80');
    expect(bindResult('127.0.0.1', 80, errno('EMFILE'))).toMatchObject({
      status: 'fail',
      detail: 'cannot listen on 127.0.0.1:80: listen EMFILE',
    });
  });
});
