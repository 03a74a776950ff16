import { randomUUID } from 'node:crypto';
import { TYPES } from '@ironic-metadata/container';
import type { Logger } from '@ironic-metadata/logging';
import type { MetadataResponder } from '@ironic-metadata/metadata';
import { normalizeIp } from '@ironic-metadata/node-discovery';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { inject, injectable } from 'inversify';

/** The Express application: request ids, access log, client address, and the responder. */
@injectable()
export class MetadataApp {
  constructor(
    @inject(TYPES.MetadataResponder) private readonly responder: MetadataResponder,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  create(): Express {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', 'strong');
    app.use(this.requestLog);
    // Only POST `password` has a body, of at most 1020 bytes; the responder says so past that.
    app.use(express.raw({ type: () => true, limit: '4kb' }));
    app.use(this.answer);
    app.use(this.failure);
    return app;
  }

  private readonly requestLog = (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    response.setHeader('x-request-id', requestId);
    response.on('finish', () => {
      this.logger.http('request', {
        requestId,
        method: request.method,
        path: request.path,
        status: response.statusCode,
        clientIp: clientAddress(request),
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
    next();
  };

  private readonly answer = async (request: Request, response: Response): Promise<void> => {
    const reply = await this.responder.respond({
      method: request.method,
      path: request.path,
      clientIp: clientAddress(request),
      header: (name) => request.get(name),
      body: Buffer.isBuffer(request.body) ? request.body : undefined,
    });
    response.status(reply.status).set(reply.headers).send(reply.body);
  };

  /** Never a stack trace in a response: the log gets the details, the client a plain line. */
  private readonly failure = (error: Error & { status?: number; type?: string }, request: Request, response: Response, _next: NextFunction): void => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) this.logger.error('request failed', { path: request.path, error: error.stack ?? error.message });
    response.status(status).type('text/plain').send(status === 500 ? 'Internal error\n' : `${error.message}\n`);
  };
}

/** The client is identified by the socket's address (trusted proxies come with the hardening work). */
function clientAddress(request: Request): string {
  return normalizeIp(request.socket.remoteAddress ?? '');
}
