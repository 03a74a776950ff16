import { STATUS_CODES } from 'node:http';
import { TYPES } from '@ironic-metadata/container';
import type { MetadataReply } from '@ironic-metadata/metadata';
import { nodeLabel, type Lookup } from '@ironic-metadata/node-discovery';
import type { Command } from 'commander';
import { exitWith, withHelp, withSourceOptions } from '../../support/command-options';
import { cliContainer, EXIT, loadNodes, type SourceOptions } from '../../support/context';
import { printJson, styleFor } from '../../support/output';

export interface RenderOptions extends SourceOptions {
  json?: boolean;
}

export function addRenderCommand(program: Command): void {
  const command = program
    .command('render')
    .summary('what the server would answer a GET of <path> from <ip>')
    .description(
      'Show exactly what the server would answer a GET of <path> from <ip>: the status line and headers on stderr, the body bytes raw on stdout.',
    )
    .argument('<ip>', 'the client address the request comes from')
    .argument('<path>', 'the metadata path, e.g. openstack/latest/meta_data.json, latest/meta-data/local-ipv4 or latest/dynamic/instance-identity/document');
  withSourceOptions(command, { leases: true });
  command.option('--json', 'print {status, headers, body} as JSON (bodyBase64 instead of body when the body is not UTF-8 text)');
  withHelp(command, {
    examples: [
      'ironic-metadata render 10.1.105.195 openstack/latest/meta_data.json',
      'ironic-metadata render 127.0.0.12 latest/meta-data/local-ipv4 --inventory apps/metadata-server/example/inventory.json',
      'ironic-metadata render 127.0.0.12 latest/dynamic/instance-identity/document --inventory apps/metadata-server/example/inventory.json',
      'ironic-metadata render 127.0.0.11 openstack/latest/user_data --inventory inventory.json > user_data',
    ],
    exits: '0 the answer is 2xx; 1 any other status (or the node source could not answer); 2 usage or configuration error.',
  });
  command.action(async (ip: string, path: string, options: RenderOptions) => exitWith(await renderCommand(ip, path, options)));
}

/** `ironic-metadata render <ip> <path>`: the server's own responder, asked without a server. */
export async function renderCommand(ip: string, path: string, options: RenderOptions): Promise<number> {
  const { container } = cliContainer(options);
  await loadNodes(container);
  const requestPath = path.startsWith('/') ? path : `/${path}`;
  const reply = await container.get(TYPES.MetadataResponder).respond({ method: 'GET', path: requestPath, clientIp: ip, header: () => undefined });
  if (options.json) {
    printJson({ ip, path: requestPath, status: reply.status, headers: reply.headers, ...bodyJson(reply.body) });
  } else {
    process.stderr.write(headerBlock(reply, notesFor(container.get(TYPES.NodeCatalog).current()?.lookup(ip, container.get(TYPES.LeaseFile)))));
    process.stdout.write(reply.body);
  }
  return succeeded(reply.status) ? EXIT.ok : EXIT.notFound;
}

const succeeded = (status: number) => status >= 200 && status < 300;

/** Text as text, so that `jq` reads it; anything else as base64, byte for byte. */
export function bodyJson(body: Buffer): { body: string } | { bodyBase64: string } {
  const text = body.toString('utf8');
  return Buffer.from(text, 'utf8').equals(body) ? { body: text } : { bodyBase64: body.toString('base64') };
}

/** What an operator wants next to the answer: which node answered, and whether its config drive was used. */
function notesFor(lookup: Lookup | undefined): string[] {
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
