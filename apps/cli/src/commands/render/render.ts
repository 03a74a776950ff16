import { STATUS_CODES } from 'node:http';
import { TYPES } from '@ironic-metadata/container';
import { walkMetadata } from '@ironic-metadata/formatters';
import type { MetadataReply } from '@ironic-metadata/metadata';
import { nodeLabel, type Match } from '@ironic-metadata/node-discovery';
import type { Command } from 'commander';
import type { Container } from 'inversify';
import { exitWith, withHelp, withSourceOptions } from '../../support/command-options';
import { clientAddressArgument } from '../../support/client-address';
import { cliContainer, EXIT, loadNodes, readableLeaseFile, UsageError, type SourceOptions } from '../../support/context';
import { printJson, styleFor } from '../../support/output';
import { renderContextNow, servedMetadata } from '../../support/served-metadata';

export interface RenderOptions extends SourceOptions {
  json?: boolean;
  /** Every path the service answers the client, instead of one. */
  all?: boolean;
}

export function addRenderCommand(program: Command): void {
  const command = program
    .command('render')
    .summary('what the server would answer a GET of <path> from <ip>, or of every path with --all')
    .description(
      'Show exactly what the server would answer a GET of <path> from <ip>: the status line and headers on stderr, the body bytes raw on stdout. ' +
        'With --all, every path it answers that client (every listing and file of every version, OpenStack, EC2 and NoCloud), ' +
        'each body after a "==> PATH <==" line.',
    )
    .argument('<ip>', 'the client address the request comes from')
    .argument(
      '[path]',
      'the metadata path, e.g. openstack/latest/meta_data.json, latest/meta-data/local-ipv4 or latest/dynamic/instance-identity/document',
    );
  withSourceOptions(command, { leases: true });
  command.option('--all', 'every path the server answers <ip>, with its body, instead of one <path>');
  command.option(
    '--json',
    'print {status, headers, body} as JSON (bodyBase64 instead of body when the body is not UTF-8 text); with --all, a list of them',
  );
  withHelp(command, {
    examples: [
      'ironic-metadata render 10.1.105.195 openstack/latest/meta_data.json',
      'ironic-metadata render 127.0.0.12 latest/meta-data/local-ipv4 --inventory apps/metadata-server/example/inventory.json',
      'ironic-metadata render 127.0.0.12 latest/dynamic/instance-identity/document --inventory apps/metadata-server/example/inventory.json',
      'ironic-metadata render 127.0.0.11 openstack/latest/user_data --inventory inventory.json > user_data',
      'ironic-metadata render 127.0.0.12 --all --inventory apps/metadata-server/example/inventory.json',
    ],
    exits: '0 the answer is 2xx; 1 any other status (or the node source could not answer); 2 usage or configuration error.',
  });
  command.action(async (ip: string, path: string | undefined, options: RenderOptions) => exitWith(await renderCommand(ip, path, options)));
}

/** `ironic-metadata render <ip> <path>`: the server's own responder, asked without a server; `render <ip> --all`: every path. */
export async function renderCommand(clientIp: string, path: string | undefined, options: RenderOptions): Promise<number> {
  const ip = clientAddressArgument(clientIp);
  if (options.all && path !== undefined) throw new UsageError(`--all renders every path, so give no <path> (got "${path}")`);
  if (!options.all && path === undefined)
    throw new UsageError("missing required argument 'path': give the metadata path to render, or --all for every path");
  const { container } = cliContainer(options);
  const leases = readableLeaseFile(container, options);
  await loadNodes(container);
  if (path === undefined) return renderAll(container, ip, options);
  const requestPath = path.startsWith('/') ? path : `/${path}`;
  const reply = await container
    .get(TYPES.MetadataResponder)
    .respond({ method: 'GET', path: requestPath, clientIp: ip, header: () => undefined });
  if (options.json) {
    printJson({ ip, path: requestPath, status: reply.status, headers: reply.headers, ...bodyJson(reply.body) });
  } else {
    process.stderr.write(headerBlock(reply, notesFor(container.get(TYPES.NodeCatalog).current()?.match(ip, leases))));
    process.stdout.write(reply.body);
  }
  return succeeded(reply.status) ? EXIT.ok : EXIT.notFound;
}

/**
 * Every path the service answers `ip`, from the same metadata and renderers the responder uses
 * (formatters' walk), not through the responder, whose per-client rate limit a thousand paths would meet.
 */
async function renderAll(container: Container, ip: string, options: RenderOptions): Promise<number> {
  const client = await container.get(TYPES.MetadataService).forClient(ip);
  if (!client.found) {
    process.stderr.write(`HTTP ${client.status} ${STATUS_CODES[client.status]}: ${client.reason}\n`);
    return EXIT.notFound;
  }
  const walked = [...walkMetadata(await servedMetadata(container, client.metadata), renderContextNow())];
  if (options.json) {
    printJson(
      walked.map(({ path, rendered }) => ({
        path,
        status: rendered.status,
        headers: { 'content-type': rendered.contentType },
        ...bodyJson(rendered.body),
      })),
    );
    return EXIT.ok;
  }
  const node = client.lookup ? [`answered as node ${nodeLabel(client.lookup.entry.node)}, matched by ${client.lookup.method}`] : [];
  process.stderr.write(`${[`${walked.length} paths`, ...node].join('; ')}\n`);
  for (const { path, rendered } of walked) {
    process.stdout.write(`==> ${path} <==\n`);
    process.stdout.write(rendered.body);
    process.stdout.write('\n\n');
  }
  return EXIT.ok;
}

const succeeded = (status: number) => status >= 200 && status < 300;

/** Text as text, so that `jq` reads it; anything else as base64, byte for byte. */
export function bodyJson(body: Buffer): { body: string } | { bodyBase64: string } {
  const text = body.toString('utf8');
  return Buffer.from(text, 'utf8').equals(body) ? { body: text } : { bodyBase64: body.toString('base64') };
}

/** What an operator wants next to the answer: which node answered, and whether its config drive was used. */
function notesFor(lookup: Match | undefined): string[] {
  if (!lookup?.found) return [];
  const notes = [`answered as node ${nodeLabel(lookup.entry.node)}, matched by ${lookup.method}`];
  if (lookup.entry.configDriveProblem) notes.push(`config drive not used: ${lookup.entry.configDriveProblem}`);
  return notes;
}

/** `HTTP 200 OK`, the headers, then notes: like `curl -D /dev/stderr`, with what the server knew. */
function headerBlock(reply: MetadataReply, notes: string[]): string {
  const style = styleFor(process.stderr);
  const status = `HTTP ${reply.status} ${STATUS_CODES[reply.status] ?? ''}`.trimEnd();
  const lines = [
    style.bold(succeeded(reply.status) ? style.green(status) : style.red(status)),
    ...Object.entries(reply.headers).map(([name, value]) => `${name}: ${value}`),
    ...notes.map((note) => style.dim(`note: ${note}`)),
  ];
  return `${lines.join('\n')}\n\n`;
}
