import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import { claimsAddress, listEveryNode } from './lib/floor/seed-lookup';

/**
 * The floor: the seed's way of answering, one full `GET /v1/nodes/detail` listing per request to find
 * the node behind the client's address. What it then sends is the recorded answer for the path (the
 * same bytes nginx serves), so the figure is the cost of the lookup, not of rendering.
 */
function main(): void {
  const { ironic, responses } = new Command('floor-server')
    .requiredOption('--ironic <url>', 'the Ironic (simulator) to list')
    .requiredOption('--responses <file>', 'JSON: path -> base64 of the body to answer')
    .parse()
    .opts<{ ironic: string; responses: string }>();
  const bodies = new Map(
    Object.entries(JSON.parse(readFileSync(responses, 'utf8')) as Record<string, string>).map(([path, body]) => [
      path,
      Buffer.from(body, 'base64'),
    ]),
  );
  const server = createServer((request, response) => {
    const client = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    listEveryNode(ironic).then(
      (nodes) => {
        const body = nodes.some((node) => claimsAddress(node, client)) ? bodies.get(request.url ?? '') : undefined;
        response.writeHead(body ? 200 : 404, { 'Content-Type': 'text/plain', 'Content-Length': body?.length ?? 0 });
        response.end(body);
      },
      (error: Error) => {
        response.writeHead(502, { 'Content-Type': 'text/plain' });
        response.end(`${error.message}\n`);
      },
    );
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
  });
  process.once('SIGTERM', () => process.exit(0));
}

main();
