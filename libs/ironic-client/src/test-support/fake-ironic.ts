import type { FakeAnswer, FakeHandler, RecordedRequest } from './fake-http-server';

type Item = Record<string, unknown> & { uuid: string };

export interface FakeIronicData {
  /** Highest minor version served (1.N). */
  maxMinor?: number;
  nodes?: Item[];
  ports?: Item[];
  portgroups?: Item[];
  /** Ironic's `[api]max_limit`: pages are never longer. Default 1000. */
  maxLimit?: number;
}

/** Fields this fake refuses (406) below their version, like Ironic. */
const FIELD_GATES: Record<string, number> = { network_data: 66, lessee: 65, owner: 50, shard: 82, physical_network: 34 };
/** Query parameters that are not filters. */
const CONTROL_PARAMETERS = new Set(['fields', 'limit', 'marker', 'sort_key', 'sort_dir', 'detail']);

/** Ironic's error body: a JSON text inside `error_message`. */
export function ironicError(status: number, faultstring: string): FakeAnswer {
  return { status, body: { error_message: JSON.stringify({ faultcode: 'Client', faultstring, debuginfo: null }) } };
}

/**
 * Just enough of Ironic for the client's tests: the root document, version checks, nodes, ports and
 * portgroups with filters, fields, paging by marker and a `next` link that drops the filters (as
 * Ironic's does), one node by uuid or name, and PATCH of `extra`.
 */
export function fakeIronic(data: FakeIronicData = {}): FakeHandler {
  const maxMinor = data.maxMinor ?? 82;
  const collections: Record<string, Item[]> = { nodes: data.nodes ?? [], ports: data.ports ?? [], portgroups: data.portgroups ?? [] };
  return (request, baseUrl) => {
    const url = new URL(request.url, baseUrl);
    if (url.pathname === '/') {
      const version = { id: 'v1', status: 'CURRENT', min_version: '1.1', version: `1.${maxMinor}` };
      return { body: { name: 'OpenStack Ironic API', default_version: version, versions: [version] } };
    }
    const minor = requestedMinor(request);
    if (minor > maxMinor) {
      const description = `Version 1.${minor} was requested but the minor version is not supported`;
      return { status: 406, body: { error_message: JSON.stringify({ code: 406, description }) } };
    }
    const [, , collection, ident] = url.pathname.split('/');
    const items = collections[collection];
    if (!items) return ironicError(404, `no such resource ${url.pathname}`);
    const fields = url.searchParams.get('fields')?.split(',');
    if (fields?.some((field) => (FIELD_GATES[field] ?? 1) > minor)) return ironicError(406, 'Request not acceptable.');
    if (ident && ident !== 'detail') {
      const item = items.find((candidate) => candidate.uuid === ident || candidate['name'] === ident);
      if (!item) return ironicError(404, `Node ${ident} could not be found.`);
      if (request.method === 'PATCH') return { body: applyPatch(item, JSON.parse(request.body)) };
      return { body: project(item, fields) };
    }
    return { body: listPage(collection, items, url, baseUrl, fields, data.maxLimit ?? 1000) };
  };
}

function requestedMinor(request: RecordedRequest): number {
  const header = request.headers['x-openstack-ironic-api-version'];
  return typeof header === 'string' ? Number(header.split('.')[1]) : 1;
}

function listPage(
  collection: string,
  items: Item[],
  url: URL,
  baseUrl: string,
  fields: string[] | undefined,
  maxLimit: number,
): Record<string, unknown> {
  const filters = [...url.searchParams].filter(([name]) => !CONTROL_PARAMETERS.has(name));
  // Portgroups are filtered by `node`, which names their `node_uuid`.
  const fieldOf = (name: string) => (name === 'node' ? 'node_uuid' : name);
  const matching = items.filter((item) => filters.every(([name, value]) => String(item[fieldOf(name)]) === value));
  const marker = url.searchParams.get('marker');
  const start = marker ? matching.findIndex((item) => item.uuid === marker) + 1 : 0;
  const limit = Math.min(maxLimit, Number(url.searchParams.get('limit') ?? maxLimit));
  const page = matching.slice(start, start + limit);
  const answer: Record<string, unknown> = { [collection]: page.map((item) => project(item, fields)) };
  if (page.length === limit) answer['next'] = `${baseUrl}/v1/${collection}?limit=${limit}&marker=${page[page.length - 1].uuid}`;
  return answer;
}

function project(item: Item, fields: string[] | undefined): Record<string, unknown> {
  if (!fields) return item;
  return Object.fromEntries(fields.map((field) => [field, item[field] ?? null]));
}

function applyPatch(item: Item, operations: { op: string; path: string; value?: unknown }[]): Item {
  for (const { path, value } of operations) {
    const [, top, key] = path.split('/');
    item[top] = { ...(item[top] as object), [key]: value };
  }
  return item;
}
