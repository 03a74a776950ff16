import { HttpConnection, type HttpResult, type HttpTarget } from './http-connection';

export interface SessionOptions {
  /** One connection for the whole crawl; otherwise a new connection per request, as cloud-init does. */
  keepAlive: boolean;
  timeoutMs: number;
}

/**
 * The HTTP client of one booting node, asking from the node's own address. cloud-init (22.4) opens a
 * new `requests.Session` for every URL it reads, so by default every request pays for a connection.
 */
export class ClientSession {
  private connection: HttpConnection | undefined;

  constructor(
    private readonly target: HttpTarget,
    private readonly localAddress: string,
    private readonly options: SessionOptions,
  ) {}

  async get(path: string): Promise<HttpResult> {
    if (!this.options.keepAlive) {
      const connection = await HttpConnection.open(this.target, this.localAddress, this.options.timeoutMs);
      try {
        return await connection.get(path, true);
      } finally {
        connection.close();
      }
    }
    if (!this.connection?.usable) {
      this.connection?.close();
      this.connection = await HttpConnection.open(this.target, this.localAddress, this.options.timeoutMs);
    }
    return this.connection.get(path, false);
  }

  close(): void {
    this.connection?.close();
    this.connection = undefined;
  }
}
