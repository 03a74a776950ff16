import { randomUUID } from 'node:crypto';
import { TYPES } from '@ironic-metadata/container';
import type { Logger } from '@ironic-metadata/logging';
import { clientAddress, type MetadataResponder, type RouteFamily, type ServiceMetrics, type TrustedProxies } from '@ironic-metadata/metadata';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { inject, injectable } from 'inversify';

/** The nodes' Express application: request ids, client address, access log and metrics, the responder. */
@injectable()
export class MetadataApp {
  constructor(
    @inject(TYPES.MetadataResponder) private readonly responder: MetadataResponder,
    @inject(TYPES.TrustedProxies) private readonly trustedProxies: TrustedProxies,
    @inject(TYPES.ServiceMetrics) private readonly metrics: ServiceMetrics,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  create(): Express {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', 'strong');
    app.use(this.identifyAndLog);
    // Only POST `password` has a body, of at most 1020 bytes; the responder says so past that.
    app.use(express.raw({ type: () => true, limit: '4kb' }));
    app.use(this.answer);
    app.use(this.failure);
    return app;
  }

  private readonly identifyAndLog = (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    const clientIp = clientAddress(request.socket.remoteAddress ?? '', (name) => request.get(name), this.trustedProxies);
    response.locals['clientIp'] = clientIp;
    response.setHeader('x-request-id', requestId);
    response.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.request(routeFamily(request.path), response.statusCode, seconds);
      // Building the log entry costs as much as some answers: skip it when nobody reads it.
      if (this.logger.isLevelEnabled('http')) {
        this.logger.http('request', { requestId, method: request.method, path: request.path, status: response.statusCode, clientIp, ms: seconds * 1000 });
      }
    });
    next();
  };

  private readonly answer = async (request: Request, response: Response): Promise<void> => {
    const reply = await this.responder.respond({
      method: request.method,
      path: request.path,
      clientIp: response.locals['clientIp'] as string,
      header: (name) => request.get(name),
      body: Buffer.isBuffer(request.body) ? request.body : undefined,
    });
    response.status(reply.status).set(reply.headers).send(reply.body);
  };

  /** Never a stack trace in a response: the log gets the details, the client a plain line. */
  private readonly failure = (error: Error & { status?: number }, request: Request, response: Response, _next: NextFunction): void => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) this.logger.error('request failed', { path: request.path, error: error.stack ?? error.message });
    response.status(status).type('text/plain').send(status === 500 ? 'Internal error\n' : `${error.message}\n`);
  };
}

/** Nova serves the EC2 tree at every path that is not under /openstack. */
function routeFamily(path: string): RouteFamily {
  if (path === '/openstack' || path.startsWith('/openstack/')) return 'openstack';
  if (/^\/latest\/api\/token\/?$/.test(path)) return 'imds-token';
  return 'ec2';
}
