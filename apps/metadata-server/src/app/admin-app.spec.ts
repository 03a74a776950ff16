import 'reflect-metadata';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '@ironic-metadata/config';
import { TYPES } from '@ironic-metadata/container';
import { createLogger } from '@ironic-metadata/logging';
import request from 'supertest';
import { catalogView, createAdminApp, type AdminView } from './admin-app';
import { buildServiceContainer } from './service-container';
import { SERVICE_METRICS } from './service-metrics';

const INVENTORY = join(__dirname, '../../example/inventory.json');

function adminFor(env: Record<string, string> = {}) {
  const config = loadConfig({ INVENTORY_FILE: INVENTORY, ...env });
  const container = buildServiceContainer(config, { logger: createLogger({ level: 'error', stream: new PassThrough() }) });
  const catalog = container.get(TYPES.NodeCatalog);
  const registry = container.get(SERVICE_METRICS).registry;
  /** The admin listener for a single process at `clock`'s time, or for `view`. */
  const app = (clock: () => number = Date.now, view: AdminView = catalogView(catalog, registry, clock)) =>
    createAdminApp(view, { siteId: config.siteId, metricsType: registry.contentType });
  return { catalog, app };
}

describe('the admin listener', () => {
  it('is healthy at once, and ready only once the index is loaded', async () => {
    const admin = adminFor();
    const app = admin.app();
    expect((await request(app).get('/healthz')).text).toBe('ok\n');
    expect((await request(app).get('/readyz')).status).toBe(503);
    await admin.catalog.refresh();
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ ready: true, loaded: true, nodes: 5, staleBudgetSeconds: 3600 });
  });

  it('in a cluster, is not ready and says why while no worker says how fresh its index is', async () => {
    const app = adminFor().app(Date.now, {
      source: 'Ironic at http://ironic:6385',
      metrics: async () => '',
      workers: () => ({ serving: 0, wanted: 2 }),
      status: async () => undefined,
    });
    const readyz = await request(app).get('/readyz');
    expect(readyz.status).toBe(503);
    expect(readyz.body).toMatchObject({
      ready: false,
      reason: 'no worker said how fresh its index is: the workers are starting or being replaced',
      source: 'Ironic at http://ironic:6385',
      workers: { serving: 0, wanted: 2 },
    });
  });

  it('answers another path 404 and another method 405 with Allow, in one plain-text line', async () => {
    const app = adminFor().app();
    const posted = await request(app).post('/healthz');
    expect(posted.status).toBe(405);
    expect(posted.headers).toMatchObject({ allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    expect(posted.text).toBe('Method not allowed: POST is not allowed on /healthz; use GET, HEAD\n');
    expect((await request(app).delete('/metrics')).status).toBe(405);
    const unknown = await request(app).get('/latest/meta-data/');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(unknown.text).toBe('Not found: /latest/meta-data/: the admin listener serves /healthz, /readyz, /metrics\n');
    expect((await request(app).head('/healthz')).status).toBe(200);
  });

  it('names its site (SITE_ID) in /readyz and on every metric', async () => {
    const admin = adminFor({ SITE_ID: 'dc1' });
    await admin.catalog.refresh();
    const app = admin.app();
    expect((await request(app).get('/readyz')).body).toMatchObject({ ready: true, site: 'dc1' });
    expect((await request(app).get('/metrics')).text).toContain('metadata_index_nodes{site="dc1"} 5');
  });

  it('is not ready once the index is older than the stale budget', async () => {
    const admin = adminFor({ STALE_BUDGET_SECONDS: '10' });
    await admin.catalog.refresh();
    const later = admin.app(() => Date.now() + 11_000);
    expect((await request(later).get('/readyz')).body).toMatchObject({ ready: false });
  });

  it('exposes Prometheus metrics, index gauges included', async () => {
    const admin = adminFor();
    await admin.catalog.refresh();
    const metrics = await request(admin.app()).get('/metrics');
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/);
    expect(metrics.text).toContain('metadata_index_nodes 5');
    expect(metrics.text).toMatch(/metadata_index_age_seconds \d/);
  });
});
