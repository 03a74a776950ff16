import { randomBytes } from 'node:crypto';
import { CLIENT_MAX_API_VERSION, IronicAuthError, IronicClient } from '@ironic-metadata/ironic-client';
import { MASKED_SECRET } from '@ironic-metadata/ironic-model';
import { setShowInstanceSecrets } from './support/ironic';
import { IronicTestAdmin } from './support/ironic-admin';
import { suiteIronics } from './support/ironic-env';

// The suite's Ironics are shared with other test files: names, owners and MACs carry this run's id.
const run = randomBytes(3).toString('hex');
const macOf = (index: number) => `52:54:${run.match(/../g)?.join(':')}:${String(index).padStart(2, '0')}`;
const minorOf = (version: string) => Number(version.split('.')[1]);

describe('IronicClient against a real Ironic', () => {
  const { noauth, basic } = suiteIronics();
  const admin = new IronicTestAdmin(noauth);
  const client = new IronicClient({ endpoint: noauth.url });
  const ownerA = `it-${run}-a`;
  const ownerB = `it-${run}-b`;
  const nodes = [ownerA, ownerB, ownerA, ownerA, ownerB, ownerA, ownerB].map((owner, index) => ({
    name: `it-${run}-node-${index}`,
    owner,
  }));
  const uuids = new Map<string, string>();

  beforeAll(async () => {
    await Promise.all(
      nodes.map(async (node, index) => {
        const uuid = await admin.createNode(node);
        uuids.set(node.name, uuid);
        if (index < 2) await admin.createPort(uuid, macOf(index));
      }),
    );
  });

  it('negotiates the highest version both sides know', async () => {
    const version = await client.negotiate();
    expect(client.apiVersion).toBe(version);
    expect(minorOf(version)).toBeLessThanOrEqual(minorOf(CLIENT_MAX_API_VERSION));
    expect(minorOf(version)).toBeGreaterThan(66);
  });

  it("pages through exactly one owner's nodes, two at a time", async () => {
    const pages: string[][] = [];
    for await (const page of client.listNodes({ filters: { owner: ownerA }, pageSize: 2 })) {
      pages.push(page.map((node) => node.name ?? ''));
    }
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.every((page) => page.length <= 2)).toBe(true);
    const expected = nodes.filter((node) => node.owner === ownerA).map((node) => node.name);
    expect(pages.flat().sort()).toEqual(expected.sort());
  });

  it('answers only the fields asked for (and uuid)', async () => {
    const listed = await client.listNodes({ fields: ['name', 'owner'], filters: { owner: ownerB } }).all();
    expect(listed).toHaveLength(3);
    for (const node of listed) {
      expect(node).toMatchObject({ uuid: uuids.get(node.name ?? ''), owner: ownerB });
      expect(node).not.toHaveProperty('provision_state');
    }
    const one = await client.getNode(nodes[0].name, ['provision_state']);
    expect(one).toMatchObject({ uuid: uuids.get(nodes[0].name), provision_state: 'enroll' });
    expect(one).not.toHaveProperty('name');
  });

  it('finds a port by its MAC given in upper case', async () => {
    const port = await client.findPortByAddress(macOf(1).toUpperCase(), ['node_uuid', 'address']);
    expect(port).toMatchObject({ node_uuid: uuids.get(nodes[1].name), address: macOf(1) });
    expect(await client.findPortByAddress(macOf(99))).toBeUndefined();
  });

  it('authenticates with http_basic, and reports wrong credentials as an auth error', async () => {
    const right = new IronicClient({
      endpoint: basic.url,
      auth: { type: 'http_basic', username: basic.username, password: basic.password },
    });
    expect(await right.listNodes({ limit: 1 }).all()).toBeInstanceOf(Array);
    const wrong = new IronicClient({ endpoint: basic.url, auth: { type: 'http_basic', username: basic.username, password: 'wrong' } });
    const failure = wrong.listNodes({ limit: 1 }).all();
    await expect(failure).rejects.toThrow(IronicAuthError);
    await expect(failure).rejects.toMatchObject({ status: 401 });
    await expect(failure).rejects.toThrow(`GET ${basic.url}/v1/nodes/detail?limit=1 failed (answered 401)`);
  });

  it('sees a dict configdrive masked by default, and whole once show_instance_secrets is granted', async () => {
    const name = `it-${run}-deployed`;
    const uuid = await admin.createNode({ name, owner: ownerB });
    const configdrive = { meta_data: { hostname: 'deployed' }, user_data: '#cloud-config\n' };
    await admin.deploy(uuid, { configdrive });
    const masked = await client.getNode(uuid, ['provision_state', 'instance_info']);
    expect(masked.provision_state).toBe('active');
    expect(masked.instance_info.configdrive).toBe(MASKED_SECRET);
    setShowInstanceSecrets(noauth.policyFile, true);
    try {
      expect((await client.getNode(uuid, ['instance_info'])).instance_info.configdrive).toEqual(configdrive);
    } finally {
      setShowInstanceSecrets(noauth.policyFile, false);
    }
  });
});
