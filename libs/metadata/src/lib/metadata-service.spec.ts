import { PassThrough } from 'node:stream';
import type { Inventory } from '@ironic-metadata/ironic-model';
import { aNode, aPort } from '@ironic-metadata/ironic-model/testing';
import { createLogger } from '@ironic-metadata/logging';
import { ConfigDriveCache, LeaseTable, parseLeases, NodeCatalog, type NodeSource } from '@ironic-metadata/node-discovery';
import { MetadataService, type ServiceOptions } from './metadata-service';

/** A source that can be made to fail or to hang, as Ironic does in an outage. */
class FlakySource implements NodeSource {
  readonly description = 'flaky source';
  mode: 'up' | 'down' | 'slow' = 'up';
  constructor(readonly inventory: Inventory) {}
  load(): Promise<Inventory> {
    if (this.mode === 'down') return Promise.reject(new Error('connection refused'));
    if (this.mode === 'slow') return new Promise((resolve) => setTimeout(() => resolve(this.inventory), 5000).unref());
    return Promise.resolve(this.inventory);
  }
}

const logger = createLogger({ level: 'error', stream: new PassThrough() });

async function serviceOver(source: FlakySource, clock: () => number, leases?: LeaseTable, options: Partial<ServiceOptions> = {}) {
  const catalog = new NodeCatalog(
    source,
    new ConfigDriveCache(),
    { matchNodeName: false, unknownClientRefreshSeconds: 0, staleBudgetSeconds: 60, clock },
    logger,
  );
  await catalog.refresh();
  return new MetadataService(
    catalog,
    leases,
    { defaultAvailabilityZone: 'nova', region: 'RegionOne', unknownClientWaitMs: 100, ...options },
    logger,
  );
}

describe('MetadataService built metadata', () => {
  it('keeps the metadata built for the latest nodes asking, and builds it again for one asked longer ago', async () => {
    const nodes = ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((ip) => aNode({ instance_info: { fixed_ips: [ip] } }));
    const service = await serviceOver(new FlakySource({ nodes, ports: [], portgroups: [] }), Date.now, undefined, { builtMetadataKept: 2 });
    const metadataOf = async (ip: string) => {
      const client = await service.forClient(ip);
      if (!client.found) throw new Error(client.reason);
      return client.metadata;
    };
    const first = await metadataOf('10.0.0.1');
    expect(await metadataOf('10.0.0.1')).toBe(first);
    await metadataOf('10.0.0.2');
    await metadataOf('10.0.0.3');
    const rebuilt = await metadataOf('10.0.0.1');
    expect(rebuilt).not.toBe(first);
    expect(rebuilt).toEqual(first);
  });
});

describe('MetadataService during an outage', () => {
  const known = aNode({ instance_info: { fixed_ips: ['10.0.0.5'] } });

  it('keeps answering known nodes within the stale budget, and 503 past it', async () => {
    let now = 0;
    const source = new FlakySource({ nodes: [known], ports: [], portgroups: [] });
    const service = await serviceOver(source, () => now);
    source.mode = 'down';
    now += 59_000;
    expect(await service.forClient('10.0.0.5')).toMatchObject({ found: true });
    now += 2000;
    expect(await service.forClient('10.0.0.5')).toMatchObject({
      found: false,
      status: 503,
      reason: expect.stringContaining('past the 60 s stale budget'),
    });
  });

  it('tells an unknown client to retry (503) rather than 404 while the source fails', async () => {
    const source = new FlakySource({ nodes: [known], ports: [], portgroups: [] });
    const service = await serviceOver(source, Date.now);
    source.mode = 'down';
    expect(await service.forClient('10.0.0.9')).toMatchObject({
      found: false,
      status: 503,
      reason: expect.stringContaining('connection refused'),
    });
    source.mode = 'up';
    expect(await service.forClient('10.0.0.9')).toMatchObject({ found: false, status: 404 });
  });

  it('does not hold an unknown client longer than its wait while the source is slow', async () => {
    const source = new FlakySource({ nodes: [known], ports: [], portgroups: [] });
    const service = await serviceOver(source, Date.now);
    source.mode = 'slow';
    const started = Date.now();
    expect(await service.forClient('10.0.0.9')).toMatchObject({ found: false, status: 404 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await service.forClient('10.0.0.5')).toMatchObject({ found: true });
  });
});

describe('MetadataService: the address a node was matched by (field case C-22)', () => {
  const dhcp = aNode({ name: 'node-dhcp' });
  const ports = [aPort(dhcp, '52:54:00:00:22:02'), aPort(dhcp, '52:54:00:00:22:01')];
  const agent = aNode({ driver_internal_info: { agent_url: 'http://10.0.0.44:9999' } });
  const fixed = aNode({ instance_info: { fixed_ips: ['10.0.0.5'] } });
  const leases = new LeaseTable(parseLeases('0 52:54:00:00:22:01 127.0.0.54 * *\n0 52:54:00:00:22:02 127.0.0.55 * *\n').leases);
  const service = () => serviceOver(new FlakySource({ nodes: [dhcp, agent, fixed], ports, portgroups: [] }), Date.now, leases);
  const ec2Of = async (svc: MetadataService, ip: string) => {
    const client = await svc.forClient(ip);
    if (!client.found) throw new Error(client.reason);
    return client.metadata.ec2;
  };

  it("answers a DHCP node's lease address as local-ipv4, on the NIC of the lease's MAC", async () => {
    const svc = await service();
    expect(await ec2Of(svc, '127.0.0.54')).toMatchObject({
      localIpv4: '127.0.0.54',
      mac: '52:54:00:00:22:01',
      interfaces: [
        { mac: '52:54:00:00:22:01', deviceNumber: 0, localIpv4s: ['127.0.0.54'] },
        { mac: '52:54:00:00:22:02', deviceNumber: 1, localIpv4s: [] },
      ],
    });
    expect(await ec2Of(svc, '127.0.0.55')).toMatchObject({ localIpv4: '127.0.0.55', mac: '52:54:00:00:22:02' });
  });

  it("answers the agent URL host of a node with no static address, and keeps a node's static address", async () => {
    const svc = await service();
    expect(await ec2Of(svc, '10.0.0.44')).toMatchObject({ localIpv4: '10.0.0.44', interfaces: [] });
    expect(await ec2Of(svc, '10.0.0.5')).toMatchObject({ localIpv4: '10.0.0.5' });
  });

  it('builds the view once per node and address, not per request', async () => {
    const svc = await service();
    const first = await ec2Of(svc, '127.0.0.54');
    expect(await ec2Of(svc, '127.0.0.54')).toBe(first);
    expect(await ec2Of(svc, '127.0.0.55')).not.toBe(first);
  });
});
