import type { CatalogStatus, NodeCatalog } from '@ironic-metadata/node-discovery';
import { refuse, refusalReply, type Refusal } from '@ironic-metadata/metadata';
import express, { type Express, type Response } from 'express';
import type { Registry } from 'prom-client';

/**
 * What the admin listener speaks for: one process's catalog (`catalogView`), or a whole cluster, whose
 * primary asks its workers.
 */
export interface AdminView {
  /** The node source's description (`NodeSource.description`). */
  readonly source: string;
  /** The status of the index served; undefined when nobody says (no worker answered). */
  status(): Promise<CatalogStatus | undefined>;
  /** Prometheus text of every process. */
  metrics(): Promise<string>;
  /** A cluster's workers serving now, and how many it runs; absent for a single process. */
  workers?(): { serving: number; wanted: number };
}

/** A single process's view: `catalog`'s status at `clock`'s time, and `registry`'s metrics. */
export function catalogView(catalog: NodeCatalog, registry: Registry, clock: () => number = Date.now): AdminView {
  return {
    source: catalog.source.description,
    status: async () => catalog.status(clock()),
    metrics: () => registry.metrics(),
  };
}

const ADMIN_PATHS = ['/healthz', '/readyz', '/metrics'];
/** What `app.get` answers: GET, and HEAD with it. */
const READ = 'GET, HEAD';

function reply(response: Response, refusal: Refusal): void {
  const { status, headers, body } = refusalReply(refusal);
  response.status(status).set(headers).send(body);
}

/**
 * The operators' listener, apart from the nodes' one, for `view`: `/healthz` (the process is up),
 * `/readyz` (the index is loaded and within its stale budget) and `/metrics` (Prometheus, with
 * `metricsType` as its Content-Type); any other path is 404, another method 405 with Allow, each one
 * plain-text line. `/readyz` names `siteId` (SITE_ID).
 */
export function createAdminApp(view: AdminView, options: { siteId: string | undefined; metricsType: string }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_request, response) => {
    response.type('text/plain').send('ok\n');
  });
  app.get('/readyz', async (_request, response) => {
    const status = await view.status();
    const workers = view.workers?.();
    // A cluster with no worker serving (all of them being replaced) answers nobody.
    const ready = status !== undefined && status.usable && (workers === undefined || workers.serving > 0);
    response.status(ready ? 200 : 503).json({
      ready,
      ...(status ?? { reason: 'no worker said how fresh its index is: the workers are starting or being replaced' }),
      source: view.source,
      site: options.siteId,
      workers,
    });
  });
  app.get('/metrics', async (_request, response) => {
    response.type(options.metricsType).send(await view.metrics());
  });
  // Not Express's HTML pages: one plain-text line, as the nodes' listener answers.
  app.all(ADMIN_PATHS, (request, response) => {
    reply(response, refuse(405, `${request.method} is not allowed on ${request.path}; use ${READ}`, { allow: READ }));
  });
  app.use((request, response) => {
    reply(response, refuse(404, `${request.path}: the admin listener serves ${ADMIN_PATHS.join(', ')}`));
  });
  return app;
}
