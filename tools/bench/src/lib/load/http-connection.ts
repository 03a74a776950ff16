import { connect, type Socket } from 'node:net';

export interface HttpTarget {
  host: string;
  port: number;
}

export interface HttpResult {
  status: number;
  body: Buffer;
}

const HEADER_END = Buffer.from('\r\n\r\n');

interface Pending {
  resolve(result: HttpResult): void;
  reject(error: Error): void;
}

/**
 * One HTTP/1.1 connection from a chosen source address, for load generation: GET only, one request at
 * a time, reading just the status line and `Content-Length` (or the body up to the close). node:http
 * with an Agent spends more CPU per request than a fast server spends answering it, which would make
 * the client the bottleneck on a 2-core machine; this does not.
 */
export class HttpConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly hostHeader: string,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.tryComplete(false);
    });
    socket.on('end', () => this.tryComplete(true));
    socket.on('timeout', () => socket.destroy(new Error('no answer within the time-out')));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed before the answer was complete')));
  }

  /** Connects from `localAddress` (a 127.x.y.z node address) to the target. */
  static open(target: HttpTarget, localAddress: string, timeoutMs: number): Promise<HttpConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: target.host, port: target.port, localAddress, noDelay: true });
      socket.setTimeout(timeoutMs);
      const onError = (error: Error) => reject(error);
      const onTimeout = () => socket.destroy(new Error(`no connection within ${timeoutMs} ms`));
      socket.once('error', onError);
      socket.once('timeout', onTimeout);
      socket.once('connect', () => {
        socket.off('error', onError);
        socket.off('timeout', onTimeout);
        resolve(new HttpConnection(socket, `${target.host}:${target.port}`));
      });
    });
  }

  /** Whether another request can be sent on this connection. */
  get usable(): boolean {
    return !this.failure && !this.socket.destroyed && !this.socket.readableEnded;
  }

  /** GET `path`; with `close`, asks the server to close the connection after answering. */
  get(path: string, close: boolean): Promise<HttpResult> {
    if (this.pending) return Promise.reject(new Error('one request at a time per connection'));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.buffered = Buffer.alloc(0);
      this.socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\nAccept: */*\r\nConnection: ${close ? 'close' : 'keep-alive'}\r\n\r\n`,
      );
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private tryComplete(ended: boolean): void {
    if (!this.pending) return;
    const headerEnd = this.buffered.indexOf(HEADER_END);
    if (headerEnd < 0) {
      if (ended) this.fail(new Error('connection closed in the middle of the headers'));
      return;
    }
    const head = this.buffered.toString('latin1', 0, headerEnd);
    const status = Number(head.slice(9, 12));
    const lengthMatch = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!lengthMatch && /\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      this.fail(new Error('chunked answers are not supported by the load client'));
      return;
    }
    const bodyStart = headerEnd + HEADER_END.length;
    const bodyLength = lengthMatch ? Number(lengthMatch[1]) : ended ? this.buffered.length - bodyStart : Infinity;
    if (this.buffered.length - bodyStart < bodyLength) return;
    const { resolve } = this.pending;
    this.pending = undefined;
    resolve({ status, body: this.buffered.subarray(bodyStart, bodyStart + bodyLength) });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }
}
