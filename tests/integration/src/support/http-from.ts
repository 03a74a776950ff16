import { request } from 'node:http';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

/**
 * An HTTP request made from a given local address, as the node with that address would make it.
 * `rawPath` is sent as it is, `.` and `..` included, where the URL's path would be normalised.
 */
export function httpFrom(
  sourceAddress: string,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; rawPath?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // A connection of its own, as a node's cloud-init makes: Node 20's global agent would keep one
    // alive and reuse it, across a worker's death too.
    const sent = {
      method: options.method ?? 'GET',
      headers: options.headers,
      localAddress: sourceAddress,
      timeout: 10_000,
      agent: false,
      ...(options.rawPath ? { path: options.rawPath } : {}),
    };
    const req = request(url, sent, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, text: body.toString('utf8') });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 10 s`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
