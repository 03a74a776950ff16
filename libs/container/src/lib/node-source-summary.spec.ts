import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '@ironic-metadata/config';
import { createLogger } from '@ironic-metadata/logging';
import { buildContainer } from './build-container';
import { nodeSourceSummary } from './node-source-summary';
import { TYPES } from './types';

const INVENTORY = join(__dirname, '../../../../apps/metadata-server/example/inventory.json');
const quiet = () => createLogger({ level: 'error', stream: new PassThrough() });

describe('nodeSourceSummary', () => {
  it.each<[string, Record<string, string>, { description: string; writable: boolean }]>([
    ['an inventory file', { INVENTORY_FILE: INVENTORY }, { description: `inventory file ${INVENTORY}`, writable: false }],
    ['Ironic', { IRONIC_URL: 'http://ironic:6385' }, { description: 'Ironic at http://ironic:6385', writable: true }],
    [
      'Ironic scoped to a conductor group',
      { IRONIC_URL: 'http://ironic:6385', IRONIC_CONDUCTOR_GROUP: 'rack-7' },
      { description: 'Ironic at http://ironic:6385 (conductor_group rack-7)', writable: true },
    ],
    [
      "Ironic from Keystone's catalog, scoped to a shard",
      {
        OS_AUTH_TYPE: 'password',
        OS_AUTH_URL: 'http://keystone:5000/v3',
        OS_USERNAME: 'u',
        OS_PASSWORD: 'p',
        OS_PROJECT_NAME: 'p',
        IRONIC_SHARD: 's1',
      },
      { description: "Ironic at the Keystone catalog's baremetal endpoint (shard s1)", writable: true },
    ],
  ])('names %s as the source the container builds does, and says whether it takes PATCHes', (_case, env, summary) => {
    const config = loadConfig(env);
    const built = buildContainer(config, { logger: quiet() }).get(TYPES.NodeSource);
    expect(nodeSourceSummary(config)).toEqual(summary);
    expect({ description: built.description, writable: built.patchNode !== undefined }).toEqual(summary);
  });
});
