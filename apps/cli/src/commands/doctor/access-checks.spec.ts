import { chmodSync, chownSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allowedClientsCheck, tokenKeysCheck } from './access-checks';
import type { Discovery } from './discovery';

describe('the token keys check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-keys-'));
  const keyFile = (name: string, text: string, mode: number) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    chmodSync(path, mode);
    return path;
  };
  const me = { uid: process.getuid?.(), gid: process.getgid?.() };

  it('warns that replicas disagree without the file, and fails behind a balancer', () => {
    expect(tokenKeysCheck({ imdsTokenKeyFile: undefined, trustedProxies: [] })).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/IMDS_TOKEN_KEY_FILE is unset: .* so replicas disagree .*; fine for a single replica only$/),
      fix: expect.stringContaining('openssl rand -base64 48'),
    });
    expect(tokenKeysCheck({ imdsTokenKeyFile: undefined, trustedProxies: ['10.0.70.1/32'] })).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('TRUSTED_PROXIES (10.0.70.1/32) says a balancer spreads requests over replicas'),
    });
  });

  it('passes a file of long keys that only its owner may read', () => {
    const path = keyFile('good', `${'a'.repeat(32)}\n${'b'.repeat(64)}\n`, 0o400);
    expect(tokenKeysCheck({ imdsTokenKeyFile: path, trustedProxies: [] }, me)).toMatchObject({
      status: 'pass',
      detail: `${path}: 2 keys of at least 32 bytes (the first signs), readable by the service's user alone`,
    });
    // Kubernetes' secret volume with fsGroup: root's file, readable by the service's group.
    const grouped = keyFile('grouped', `${'a'.repeat(32)}\n`, 0o440);
    expect(tokenKeysCheck({ imdsTokenKeyFile: grouped, trustedProxies: [] }, { uid: 10001, gid: me.gid })).toMatchObject({
      status: 'pass',
    });
  });

  it('fails a file others, another group or another user may read', () => {
    const path = keyFile('open', `${'a'.repeat(32)}\n`, 0o644);
    expect(tokenKeysCheck({ imdsTokenKeyFile: path, trustedProxies: [] }, { uid: me.uid, gid: 4242 })).toMatchObject({
      status: 'fail',
      detail: `${path}: its mode is 0644: any user may read it; its mode is 0644 and its group ${me.gid} is not the service's (4242): that group may read it`,
      fix: expect.stringContaining(`chmod 0400 (0440 for a group of its own) ${path}`),
    });
    const owned = keyFile('owned', `${'a'.repeat(32)}\n`, 0o400);
    // As root, give it to another user; otherwise it is this user's, and uid 4242 is the service's.
    if (me.uid === 0) chownSync(owned, 4243, 4243);
    const owner = me.uid === 0 ? 4243 : me.uid;
    expect(tokenKeysCheck({ imdsTokenKeyFile: owned, trustedProxies: [] }, { uid: 4242, gid: 4242 })).toMatchObject({
      status: 'fail',
      detail: `${owned}: its owner, uid ${owner}, is neither the service's user (uid 4242, running doctor) nor root`,
    });
  });

  it('fails a missing file or a short key, naming it', () => {
    expect(tokenKeysCheck({ imdsTokenKeyFile: join(dir, 'absent'), trustedProxies: [] })).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('absent does not exist'),
    });
    const short = keyFile('short', `${'a'.repeat(32)}\nshort\n`, 0o400);
    expect(tokenKeysCheck({ imdsTokenKeyFile: short, trustedProxies: [] })).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('the key on line 2 of'),
    });
  });
});

describe('the ALLOWED_CLIENTS check', () => {
  const found = (name: string, ip: string) =>
    ({ entry: { node: { uuid: `uuid-${name}`, name } }, ip, method: 'fixed_ips' }) as unknown as Discovery['found'][number];
  const discovery = { active: [], found: [found('a', '10.0.0.5'), found('b', '192.0.2.9')], missing: [] } as Discovery;

  it('passes when unset or when every found node asks from inside it', () => {
    expect(allowedClientsCheck({ allowedClients: [] }, discovery)).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('any client'),
    });
    expect(allowedClientsCheck({ allowedClients: ['10.0.0.0/8', '192.0.2.0/24'] }, discovery)).toMatchObject({ status: 'pass' });
  });

  it('fails naming the nodes it would refuse', () => {
    expect(allowedClientsCheck({ allowedClients: ['10.0.0.0/8'] }, discovery)).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(
        /1 of 2 found nodes ask from outside ALLOWED_CLIENTS \(10\.0\.0\.0\/8\) and are refused with 403: uuid-b \(b\) at 192\.0\.2\.9$/,
      ),
      data: { outside: [{ uuid: 'uuid-b', name: 'b', ip: '192.0.2.9' }] },
    });
  });
});
