import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command, InvalidArgumentError } from 'commander';

/**
 * The runtime's floor for one answer: `--workers` node:http processes on one port (node:cluster, as
 * the service runs), each sending the same bytes, with the headers the service sends, to every
 * request. Whatever the service does beyond this is its own cost.
 */
function main(): void {
  const { workers, body } = new Command('bare-server')
    .requiredOption('--workers <count>', 'processes on the one port', (value) => {
      if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('expected a whole number from 1');
      return Number(value);
    })
    .requiredOption('--body <file>', 'the bytes to answer')
    .parse()
    .opts<{ workers: number; body: string }>();
  if (cluster.isPrimary) {
    let listening = 0;
    cluster.on('message', (_worker, message: { port?: number }) => {
      if (typeof message.port === 'number' && ++listening === workers)
        process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${message.port}` })}\n`);
    });
    for (let i = 0; i < workers; i++) cluster.fork();
    process.once('SIGTERM', () => process.exit(0));
    return;
  }
  const bytes = readFileSync(body);
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length }).end(bytes);
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
}

main();
