import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@ironic-metadata/config';
import { accessLogCheck, clientsCheck, parseAccessLog } from './client-checks';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();
/** A request line exactly as the service logs it at LOG_LEVEL=http. */
const request = (clientIp: string, path: string, minutesAgo = 5, status = 200) =>
  JSON.stringify({
    clientIp,
    level: 'http',
    message: 'request',
    method: 'GET',
    ms: 0.4,
    path,
    requestId: 'r',
    status,
    timestamp: at(minutesAgo),
  });

describe('the access log check', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nc-access-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const logOf = (lines: string[]) => {
    const path = join(dir, 'service.log');
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  const nodes: Record<string, string> = { '10.0.0.5': 'n-5 (web-5)' };
  const nodeFor = (ip: string) => nodes[ip];

  it('names the clients that asked only /openstack in the last hour, with their nodes', () => {
    const path = logOf([
      request('10.0.0.5', '/openstack'),
      request('10.0.0.5', '/openstack/'),
      request('10.0.0.6', '/openstack'),
      request('10.0.0.7', '/openstack'),
      request('10.0.0.7', '/openstack/2018-08-27/meta_data.json'),
      request('10.0.0.8', '/nocloud/meta-data'),
      request('10.0.0.9', '/latest/meta-data/instance-id'),
      // Older than an hour: not counted.
      request('10.0.0.10', '/openstack', 61),
    ]);
    expect(accessLogCheck(path, nodeFor, NOW)).toMatchObject({
      status: 'warn',
      detail:
        '5 clients in the last hour (1 by NoCloud, 3 by OpenStack, 1 by EC2); 2 clients asked only /openstack and then stopped: 10.0.0.5 (node n-5 (web-5)), 10.0.0.6',
      fix: expect.stringContaining('docs/NODE_IMAGES.md'),
      data: { clients: 5, stopped: [{ ip: '10.0.0.5', node: 'n-5 (web-5)' }, { ip: '10.0.0.6' }] },
    });
  });

  it('passes when every client read something', () => {
    const path = logOf([
      '{"level":"info","message":"node index loaded","timestamp":"x"}',
      'not json',
      request('10.0.0.7', '/openstack'),
      request('10.0.0.7', '/openstack/latest/meta_data.json'),
    ]);
    expect(accessLogCheck(path, nodeFor, NOW)).toMatchObject({
      status: 'pass',
      detail: '1 client in the last hour (0 by NoCloud, 1 by OpenStack, 0 by EC2); none asked only /openstack and stopped',
    });
  });

  it('warns that a log without request lines says nothing, naming the level that writes them', () => {
    expect(accessLogCheck(logOf([request('10.0.0.5', '/openstack', 120)]), nodeFor, NOW)).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('LOG_LEVEL=http'),
    });
  });

  it('is skipped without a log, saying how to get one, and fails on one it cannot read', () => {
    expect(accessLogCheck(undefined, nodeFor, NOW)).toMatchObject({ status: 'skip', detail: expect.stringContaining('--access-log FILE') });
    expect(accessLogCheck(join(dir, 'missing.log'), nodeFor, NOW)).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('missing.log cannot be read (ENOENT)'),
    });
  });

  it('reads only request lines', () => {
    expect(parseAccessLog([request('10.0.0.5', '/nocloud/user-data'), '{"message":"request","clientIp":1}', '{', ''].join('\n'))).toEqual([
      { clientIp: '10.0.0.5', path: '/nocloud/user-data', atMs: NOW - 5 * 60_000 },
    ]);
  });
});

describe('the clients check', () => {
  it('names what each client reads, as configured', () => {
    const check = clientsCheck(loadConfig({ INVENTORY_FILE: '/x.json', IMDS_TOKEN_REQUIRED: 'true' }));
    expect(check).toMatchObject({ status: 'pass', detail: expect.stringContaining('NoCloud at /nocloud/') });
    expect(check.detail).toContain('IMDSv1 clients such as cloud-init 22.x are refused');
    expect(check.detail).toContain('it cannot store its password (METADATA_PASSWORD_WRITE=false)');
  });
});
