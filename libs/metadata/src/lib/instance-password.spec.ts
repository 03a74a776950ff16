import { PassThrough } from 'node:stream';
import type { IronicNode } from '@ironic-metadata/ironic-model';
import { aNode } from '@ironic-metadata/ironic-model/testing';
import { createLogger } from '@ironic-metadata/logging';
import { ConfigDriveCache, NodeCatalog, type NodeSource } from '@ironic-metadata/node-discovery';
import { PASSWORD_INSTANCE_INFO_KEY } from '@ironic-metadata/instance-metadata';
import { WritableSource } from '../test-support/writable-source';
import { LEGACY_PASSWORD_EXTRA_KEY } from './instance-password';
import { MetadataResponder } from './metadata-responder';
import { MetadataService } from './metadata-service';
import { SessionTokens } from './guards/session-tokens';

const IP = '10.0.0.8';
const INSTANCE_A = 'aaaaaaaa-0000-4000-8000-00000000000a';
const INSTANCE_B = 'bbbbbbbb-0000-4000-8000-00000000000b';

/** A node carrying instance `instance`, as Ironic shows it right after the deploy. */
const deployed = (
  uuid: string,
  instance: string,
  extra: Record<string, unknown> = {},
  instanceInfo: Record<string, unknown> = {},
): IronicNode => aNode({ uuid, instance_uuid: instance, instance_info: { fixed_ips: [IP], ...instanceInfo }, extra });
/** What Ironic does at tear-down then deploy: `instance_info` emptied and refilled, `extra` kept. */
const redeployed = (node: IronicNode, instance: string): IronicNode => deployed(node.uuid, instance, node.extra);

async function serviceOn(source: NodeSource & { nodes?: IronicNode[] }, migrateLegacyPasswords = false) {
  const output: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const logger = createLogger({ level: 'info', format: 'json', stream });
  const catalog = new NodeCatalog(source, new ConfigDriveCache(), { matchNodeName: false }, logger);
  await catalog.refresh();
  const service = new MetadataService(
    catalog,
    undefined,
    { defaultAvailabilityZone: 'nova', region: 'RegionOne', migrateLegacyPasswords },
    logger,
  );
  const responder = new MetadataResponder(service, new SessionTokens(), { imdsTokenRequired: false, passwordWrite: true }, logger);
  const ask = async (method: 'GET' | 'POST', body?: string) => {
    const reply = await responder.respond({
      method,
      path: '/openstack/latest/password',
      clientIp: IP,
      header: () => undefined,
      body: body === undefined ? undefined : Buffer.from(body),
    });
    return `${reply.status} ${reply.body.toString()}`;
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { ask, catalog, settle, logs: () => output.join('') };
}

describe('the instance password lives and dies with the instance', () => {
  it("is stored in the instance's instance_info, so the next instance on the node starts with none", async () => {
    const source = new WritableSource([deployed('11111111-0000-4000-8000-000000000001', INSTANCE_A)]);
    const { ask, catalog } = await serviceOn(source);
    expect(await ask('POST', 'PASSWORD-OF-A')).toBe('200 ');
    expect(source.nodes[0].instance_info[PASSWORD_INSTANCE_INFO_KEY]).toBe('PASSWORD-OF-A');
    expect(source.nodes[0].extra).toEqual({});
    expect(await ask('GET')).toBe('200 PASSWORD-OF-A');
    expect(await ask('POST', 'AGAIN')).toMatch(/^409 /);

    source.nodes = [redeployed(source.nodes[0], INSTANCE_B)];
    await catalog.refresh();
    expect(await ask('GET')).toBe('200 ');
    expect(await ask('POST', 'PASSWORD-OF-B')).toBe('200 ');
    expect(await ask('GET')).toBe('200 PASSWORD-OF-B');
  });

  it('serves a password an earlier version left in extra to the instance first seen with it, never to the next (C-08, read-only file)', async () => {
    let nodes = [deployed('11111111-0000-4000-8000-000000000002', INSTANCE_A, { [LEGACY_PASSWORD_EXTRA_KEY]: 'PASSWORD-OF-A' })];
    const file: NodeSource = { description: 'inventory file test.json', load: async () => ({ nodes, ports: [], portgroups: [] }) };
    const { ask, catalog } = await serviceOn(file, true);
    expect(await ask('GET')).toBe('200 PASSWORD-OF-A');
    expect(await ask('POST', 'OTHER')).toMatch(/^409 /);

    nodes = [redeployed(nodes[0], INSTANCE_B)];
    await catalog.refresh();
    expect(await ask('GET')).toBe('200 ');
    expect(await ask('POST', 'PASSWORD-OF-B')).toBe(
      '403 Forbidden: inventory file test.json is read-only: changes to nodes need the Ironic source (unset INVENTORY_FILE)\n',
    );
  });

  it('takes a POST from the next instance over a legacy value it withholds', async () => {
    const source = new WritableSource([
      deployed('11111111-0000-4000-8000-000000000003', INSTANCE_A, { [LEGACY_PASSWORD_EXTRA_KEY]: 'PASSWORD-OF-A', rack: 'r1' }),
    ]);
    const { ask, catalog } = await serviceOn(source);
    expect(await ask('GET')).toBe('200 PASSWORD-OF-A');
    source.nodes = [redeployed(source.nodes[0], INSTANCE_B)];
    await catalog.refresh();
    expect(await ask('GET')).toBe('200 ');
    expect(await ask('POST', 'PASSWORD-OF-B')).toBe('200 ');
    expect(source.nodes[0].instance_info[PASSWORD_INSTANCE_INFO_KEY]).toBe('PASSWORD-OF-B');
    expect(await ask('GET')).toBe('200 PASSWORD-OF-B');
  });

  it('moves a legacy value into the instance_info of the instance first seen with it, when writes are on', async () => {
    const source = new WritableSource([
      deployed('11111111-0000-4000-8000-000000000004', INSTANCE_A, { [LEGACY_PASSWORD_EXTRA_KEY]: 'PASSWORD-OF-A' }),
      aNode({
        uuid: '11111111-0000-4000-8000-000000000005',
        provision_state: 'available',
        extra: { [LEGACY_PASSWORD_EXTRA_KEY]: 'OF-A-DEPARTED-INSTANCE' },
      }),
    ]);
    const { ask, catalog, settle, logs } = await serviceOn(source, true);
    await settle();
    expect(source.nodes[0]).toMatchObject({ instance_info: { [PASSWORD_INSTANCE_INFO_KEY]: 'PASSWORD-OF-A' }, extra: {} });
    expect(source.nodes[1].extra).toEqual({});
    expect(logs()).toContain('legacy instance password moved from extra to instance_info');
    expect(logs()).toContain('legacy password of a departed instance removed from extra');
    expect(await ask('GET')).toBe('200 PASSWORD-OF-A');

    source.nodes = [redeployed(source.nodes[0], INSTANCE_B), source.nodes[1]];
    await catalog.refresh();
    expect(await ask('GET')).toBe('200 ');
  });

  it('tells a redeploy apart by provision_updated_at when every instance has the identity of the node', async () => {
    const node = (at: string) =>
      aNode({
        uuid: '11111111-0000-4000-8000-000000000007',
        provision_updated_at: at,
        instance_info: { fixed_ips: [IP] },
        extra: { [LEGACY_PASSWORD_EXTRA_KEY]: 'PASSWORD-OF-A' },
      });
    let nodes = [node('2026-11-30T10:00:00+00:00')];
    const file: NodeSource = { description: 'inventory file test.json', load: async () => ({ nodes, ports: [], portgroups: [] }) };
    const { ask, catalog } = await serviceOn(file);
    expect(await ask('GET')).toBe('200 PASSWORD-OF-A');
    nodes = [node('2026-11-30T12:00:00+00:00')];
    await catalog.refresh();
    expect(await ask('GET')).toBe('200 ');
  });

  it('never gives a legacy value first seen on a node without an instance to the instance deployed next', async () => {
    let nodes = [
      aNode({ uuid: '11111111-0000-4000-8000-000000000006', provision_state: 'available', extra: { [LEGACY_PASSWORD_EXTRA_KEY]: 'OLD' } }),
    ];
    const file: NodeSource = { description: 'inventory file test.json', load: async () => ({ nodes, ports: [], portgroups: [] }) };
    const { ask, catalog } = await serviceOn(file);
    nodes = [redeployed(nodes[0], INSTANCE_B)];
    await catalog.refresh();
    expect(await ask('GET')).toBe('200 ');
  });
});
