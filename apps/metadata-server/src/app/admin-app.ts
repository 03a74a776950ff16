import type { Config } from '@ironic-metadata/config';
import { TYPES } from '@ironic-metadata/container';
import type { CatalogStatus, NodeCatalog } from '@ironic-metadata/node-discovery';
import { refuse, refusalReply, type Refusal } from '@ironic-metadata/metadata';
import express, { type Express, type Response } from 'express';
import { inject, injectable } from 'inversify';
import { SERVICE_METRICS, type ServiceMetrics } from './service-metrics';

/** The whole service, as a cluster's primary sees it (absent for a single process). */
export interface ClusterView {
  /** Every process's metrics, aggregated (Prometheus text). */
  metrics(): Promise<string>;
  /** Workers serving now, and how many the service runs. */
  workers(): { serving: number; wanted: number };
  /** The status of the index the service serves from (the syncer's, else the freshest usable); undefined when no worker answers. */
  status(): Promise<CatalogStatus | undefined>;
}

const ADMIN_PATHS = ['/healthz', '/readyz', '/metrics'];
/** What `app.get` answers: GET, and HEAD with it. */
const READ = 'GET, HEAD';

function reply(response: Response, refusal: Refusal): void {
  const { status, headers, body } = refusalReply(refusal);
  response.status(status).set(headers).send(body);
}

/**
 * The operators' listener, apart from the nodes' one: `/healthz` (the process is up), `/readyz` (the
 * index is loaded and within its stale budget) and `/metrics` (Prometheus); any other path is 404,
 * another method 405 with Allow, each one plain-text line.
 */
@injectable()
export class AdminApp {
  constructor(
    @inject(TYPES.NodeCatalog) private readonly catalog: NodeCatalog,
    @inject(SERVICE_METRICS) private readonly metrics: ServiceMetrics,
    @inject(TYPES.Config) private readonly config: Config,
  ) {}

  create(clock: () => number = Date.now, cluster?: ClusterView): Express {
    const app = express();
    app.disable('x-powered-by');
    app.get('/healthz', (_request, response) => {
      response.type('text/plain').send('ok\n');
    });
    app.get('/readyz', async (_request, response) => {
      const status = cluster ? await cluster.status() : this.catalog.status(clock());
      const workers = cluster?.workers();
      // A cluster with no worker serving (all of them being replaced) answers nobody.
      const ready = status !== undefined && status.usable && (workers === undefined || workers.serving > 0);
      response.status(ready ? 200 : 503).json({
        ready,
        ...(status ?? { reason: 'no worker said how fresh its index is: the workers are starting or being replaced' }),
        source: this.catalog.source.description,
        site: this.config.siteId,
        workers,
      });
    });
    app.get('/metrics', async (_request, response) => {
      response.type(this.metrics.registry.contentType).send(cluster ? await cluster.metrics() : await this.metrics.registry.metrics());
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
}
