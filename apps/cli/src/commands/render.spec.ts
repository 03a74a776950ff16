import { captured, EXAMPLE_INVENTORY, withEnv } from '../test-support/capture';
import { bodyJson, renderCommand } from './render';

const render = (ip: string, path: string, json = false) => captured(() => renderCommand(ip, path, { inventory: EXAMPLE_INVENTORY, json }));

describe('ironic-metadata render', () => {
  withEnv({ LOG_LEVEL: undefined, LEASE_FILE: '/nonexistent/dnsmasq.leases' });

  it('writes the body raw to stdout and the status line, headers and the node that answered to stderr', async () => {
    const { result, stdout, stderr } = await render('127.0.0.12', 'latest/meta-data/local-ipv4');
    expect(result).toBe(0);
    expect(stdout.toString()).toBe('127.0.0.12');
    expect(stderr).toMatch(/^HTTP 200 OK\ncontent-type: text\/plain/);
    expect(stderr).toContain('note: answered as node 4e8f2a61-9c3d-4b7e-8f1a-2d6c9e0b3a57 (compute-r01-u07), matched by fixed_ips');
  });

  it('answers what the server would for an address no node has, and exits 1', async () => {
    const { result, stdout, stderr } = await render('127.0.0.99', '/openstack/latest/meta_data.json');
    expect(result).toBe(1);
    expect(stderr).toMatch(/^HTTP 404 Not Found\n/);
    expect(stdout.toString()).toBe('Not found: no node matches 127.0.0.99\n');
  });

  it('gives {status, headers, body} with --json', async () => {
    const { result, stdout } = await render('127.0.0.11', 'openstack/latest/meta_data.json', true);
    expect(result).toBe(0);
    const answer = JSON.parse(stdout.toString());
    expect(answer).toMatchObject({ ip: '127.0.0.11', path: '/openstack/latest/meta_data.json', status: 200, headers: { 'content-type': expect.stringContaining('application/json') } });
    expect(JSON.parse(answer.body)).toMatchObject({ hostname: 'web-01.example.net' });
  });

  it('keeps a body that is not UTF-8 text as base64', () => {
    expect(bodyJson(Buffer.from('plain'))).toEqual({ body: 'plain' });
    expect(bodyJson(Buffer.from([0x1f, 0x8b, 0xff]))).toEqual({ bodyBase64: 'H4v/' });
  });
});
