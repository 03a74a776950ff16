import { UsageError } from '../../support/context';
import { captured, EXAMPLE_INVENTORY, withEnv } from '../../test-support/capture';
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
    expect(answer).toMatchObject({
      ip: '127.0.0.11',
      path: '/openstack/latest/meta_data.json',
      status: 200,
      headers: { 'content-type': expect.stringContaining('application/json') },
    });
    expect(JSON.parse(answer.body)).toMatchObject({ hostname: 'web-01.example.net' });
  });

  it("shows EC2's instance identity document, agreeing with meta-data/ and meta_data.json", async () => {
    const { result, stdout } = await render('127.0.0.12', 'latest/dynamic/instance-identity/document');
    expect(result).toBe(0);
    const document = JSON.parse(stdout.toString());
    expect(document).toEqual({
      accountId: '3f1d9a0c5b2e4d7f8a6c1e0b9d2f4a7c',
      architecture: 'x86_64',
      availabilityZone: 'nova',
      billingProducts: null,
      devpayProductCodes: null,
      marketplaceProductCodes: null,
      imageId: 'http://images.example.net/rocky-9-genericcloud.qcow2',
      instanceId: '4e8f2a61-9c3d-4b7e-8f1a-2d6c9e0b3a57',
      instanceType: 'baremetal.general',
      kernelId: null,
      pendingTime: '2025-11-03T09:41:27Z',
      privateIp: '127.0.0.12',
      ramdiskId: null,
      region: 'RegionOne',
      version: '2017-09-30',
    });
    const body = async (path: string) => (await render('127.0.0.12', path)).stdout.toString();
    expect(document.instanceId).toBe(await body('latest/meta-data/instance-id'));
    expect(document.instanceId).toBe(JSON.parse(await body('openstack/latest/meta_data.json')).uuid);
    expect(document.privateIp).toBe(await body('latest/meta-data/local-ipv4'));
    expect(await body('2009-04-04/meta-data/placement/region')).toBe('RegionOne');
  });

  it('resolves . and .. in the path as the server does, and answers 404 to a path climbing above the root', async () => {
    expect((await render('127.0.0.12', 'latest/meta-data/../user-data')).stdout.toString()).toBe(
      (await render('127.0.0.12', 'latest/user-data')).stdout.toString(),
    );
    const climbing = await render('127.0.0.12', '../latest/meta-data/instance-id');
    expect(climbing.result).toBe(1);
    expect(climbing.stdout.toString()).toBe('Not found: "/../latest/meta-data/instance-id" climbs above the root with ".."\n');
  });

  it('keeps a body that is not UTF-8 text as base64', () => {
    expect(bodyJson(Buffer.from('plain'))).toEqual({ body: 'plain' });
    expect(bodyJson(Buffer.from([0x1f, 0x8b, 0xff]))).toEqual({ bodyBase64: 'H4v/' });
  });

  describe('--all', () => {
    const renderAll = (ip: string, json = false) =>
      captured(() => renderCommand(ip, undefined, { inventory: EXAMPLE_INVENTORY, json, all: true }));

    it('prints every path the server answers the address, each body the one a GET of it answers', async () => {
      const { result, stdout, stderr } = await renderAll('127.0.0.12');
      expect(result).toBe(0);
      expect(stderr).toMatch(
        /^\d+ paths; answered as node 4e8f2a61-9c3d-4b7e-8f1a-2d6c9e0b3a57 \(compute-r01-u07\), matched by fixed_ips\n$/,
      );
      const text = stdout.toString();
      for (const path of [
        '/openstack/',
        '/openstack/2012-08-10/meta_data.json',
        '/openstack/latest/network_data.json',
        '/',
        '/1.0/meta-data/',
        '/latest/dynamic/instance-identity/document',
        '/nocloud/meta-data',
      ]) {
        expect(text).toContain(`==> ${path} <==\n`);
      }
      expect(text).toContain(`==> /latest/meta-data/local-ipv4 <==\n127.0.0.12\n\n`);
      expect(text).toContain(
        `==> /latest/meta-data/instance-id <==\n${(await render('127.0.0.12', 'latest/meta-data/instance-id')).stdout.toString()}\n\n`,
      );
    });

    it('gives a list of {path, status, headers, body} with --json, each as the responder answers it', async () => {
      const { result, stdout } = await renderAll('127.0.0.12', true);
      expect(result).toBe(0);
      const answers: { path: string; status: number; headers: Record<string, string>; body: string }[] = JSON.parse(stdout.toString());
      const ec2 = answers.filter((answer) => answer.path.startsWith('/latest/meta-data/') && !answer.path.endsWith('/'));
      expect(ec2.length).toBeGreaterThan(10);
      for (const answer of ec2) {
        const single = JSON.parse((await render('127.0.0.12', answer.path, true)).stdout.toString());
        expect({ path: answer.path, status: answer.status, body: answer.body }).toEqual({
          path: single.path,
          status: single.status,
          body: single.body,
        });
        expect(single.headers['content-type']).toContain(answer.headers['content-type']);
      }
    });

    it('says why an address no node has gets nothing, and exits 1', async () => {
      const { result, stdout, stderr } = await renderAll('127.0.0.99');
      expect(result).toBe(1);
      expect(stdout.toString()).toBe('');
      expect(stderr).toBe('HTTP 404 Not Found: no node matches 127.0.0.99\n');
    });

    it('takes no <path>, and needs one without --all', async () => {
      await expect(renderCommand('127.0.0.12', 'latest/user-data', { inventory: EXAMPLE_INVENTORY, all: true })).rejects.toThrow(
        '--all renders every path, so give no <path> (got "latest/user-data")',
      );
      await expect(renderCommand('127.0.0.12', undefined, { inventory: EXAMPLE_INVENTORY })).rejects.toThrow(
        "missing required argument 'path': give the metadata path to render, or --all for every path",
      );
    });

    it('refuses an <ip> that is no address, or a --leases file it cannot read, as usage errors', async () => {
      await expect(renderCommand('not-an-ip', undefined, { inventory: EXAMPLE_INVENTORY, all: true })).rejects.toThrow(
        new UsageError(
          '<ip> "not-an-ip" is not an IPv4 or IPv6 address; give the address a node asks from, e.g. 10.1.105.195 or fe80::5054:ff:fe12:3456%eth0',
        ),
      );
      await expect(renderCommand('127.0.0.99', undefined, { inventory: EXAMPLE_INVENTORY, all: true, leases: '/' })).rejects.toThrow(
        new UsageError(
          "the lease file / is a directory, not a file; point --leases at dnsmasq's lease file (its --dhcp-leasefile), readable by this user",
        ),
      );
    });
  });
});
