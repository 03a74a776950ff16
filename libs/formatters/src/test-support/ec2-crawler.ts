import type { Rendered } from '../lib/rendered';

type Fetch = (path: string) => Rendered;

/**
 * Crawls an EC2 `meta-data/` tree the way cloud-init's `MetadataMaterializer`
 * (cloudinit/sources/helpers/ec2.py) does: a listing line ending in `/` is a directory, fetched with
 * a trailing slash; `N=name` is the leaf `N/openssh-key`, stored under `name`; any other line is a
 * leaf. Leaves decode as cloud-init's `MetadataLeafDecoder` does: `{...}` as JSON, several lines as a
 * list, otherwise the text. A failed fetch fails the crawl, as it does in cloud-init.
 */
export function crawlEc2(fetch: Fetch, base: string): Record<string, unknown> {
  const listing = read(fetch, base);
  const leaves = new Map<string, string>();
  const children: string[] = [];
  for (const line of splitLines(listing)) {
    const field = line.trim();
    const name = field.replace(/\/+$/, '');
    if (!field || !name) continue;
    if (field.endsWith('/')) {
      if (!children.includes(name)) children.push(name);
      continue;
    }
    const [ident, label] = splitOnce(field, '=');
    if (label !== undefined && /^-?\d+$/.test(ident)) leaves.set(label, `${Number(ident)}/openssh-key`);
    else leaves.set(name, name);
  }
  const joined: Record<string, unknown> = {};
  for (const child of children) joined[child] = crawlEc2(fetch, `${base}${child}/`);
  for (const [field, resource] of leaves) {
    if (!(field in joined)) joined[field] = decodeLeaf(read(fetch, `${base}${resource}`));
  }
  return joined;
}

function read(fetch: Fetch, path: string): string {
  const rendered = fetch(path);
  if (rendered.status !== 200) throw new Error(`${path}: ${rendered.status} ${rendered.reason}`);
  return rendered.body.toString('utf8');
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function decodeLeaf(blob: string): unknown {
  if (!blob) return '';
  const trimmed = blob.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      // cloud-init logs a warning and keeps the text.
    }
  }
  return blob.includes('\n') ? splitLines(blob) : blob;
}

/** Python's `str.splitlines()`: no empty last line for a trailing newline. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
