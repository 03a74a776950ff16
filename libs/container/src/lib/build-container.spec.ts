import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '@ironic-metadata/config';
import { createLogger } from '@ironic-metadata/logging';
import { MetadataResponder } from '@ironic-metadata/metadata';
import { FileNodeSource } from '@ironic-metadata/node-discovery';
import { buildContainer } from './build-container';
import { TYPES } from './types';

const INVENTORY = join(__dirname, '../../../../apps/metadata-server/example/inventory.json');
const quiet = () => createLogger({ level: 'error', stream: new PassThrough() });

describe('buildContainer', () => {
  it('wires the file source through to a responder, one instance of each', async () => {
    const container = buildContainer(loadConfig({ INVENTORY_FILE: INVENTORY }), { logger: quiet() });
    expect(container.get(TYPES.NodeSource)).toBeInstanceOf(FileNodeSource);
    expect(container.get(TYPES.MetadataResponder)).toBeInstanceOf(MetadataResponder);
    expect(container.get(TYPES.MetadataResponder)).toBe(container.get(TYPES.MetadataResponder));
    const index = await container.get(TYPES.NodeCatalog).refresh();
    expect(index.size).toBe(5);
    expect(await container.get(TYPES.MetadataService).forClient('127.0.0.12')).toMatchObject({
      found: true,
      lookup: { method: 'fixed_ips' },
    });
  });

  it('answers 503 before the index is loaded', async () => {
    const container = buildContainer(loadConfig({ INVENTORY_FILE: INVENTORY }), { logger: quiet() });
    expect(await container.get(TYPES.MetadataService).forClient('127.0.0.12')).toMatchObject({ found: false, status: 503 });
  });
});
