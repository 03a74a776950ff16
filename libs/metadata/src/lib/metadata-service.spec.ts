import { PassThrough } from 'node:stream';
import type { Inventory } from '@ironic-metadata/ironic-model';
import { aNode } from '@ironic-metadata/ironic-model/testing';
import { createLogger } from '@ironic-metadata/logging';
import { ConfigDriveCache, NodeCatalog, type NodeSource } from '@ironic-metadata/node-discovery';
import { MetadataService } from './metadata-service';

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

async function serviceOver(source: FlakySource, clock: () => number) {
  const catalog = new NodeCatalog(source, new ConfigDriveCache(), { matchNodeName: false, unknownClientRefreshSeconds: 0, staleBudgetSeconds: 60, clock }, logger);
  await catalog.refresh();
  return new MetadataService(catalog, undefined, { defaultAvailabilityZone: 'nova', region: 'RegionOne', unknownClientWaitMs: 100 }, logger);
}

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
    expect(await service.forClient('10.0.0.5')).toMatchObject({ found: false, status: 503, reason: expect.stringContaining('past the 60 s stale budget') });
  });

  it('tells an unknown client to retry (503) rather than 404 while the source fails', async () => {
    const source = new FlakySource({ nodes: [known], ports: [], portgroups: [] });
    const service = await serviceOver(source, Date.now);
    source.mode = 'down';
    expect(await service.forClient('10.0.0.9')).toMatchObject({ found: false, status: 503, reason: expect.stringContaining('connection refused') });
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
