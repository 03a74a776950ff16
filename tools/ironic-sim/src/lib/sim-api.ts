import { normalizeMac } from '@ironic-metadata/ironic-model';
import { MAX_MINOR, MIN_MINOR, requestedVersion, VERSION_RESPONSE_HEADERS } from './api-version';
import { Collection, type ItemView } from './collection';
import type { Fleet } from './fleet';
import { faultBody, IronicFault } from './ironic-fault';
import { RequestCounter } from './request-counter';
import { NODE_FIELDS, PORT_FIELDS, PORTGROUP_FIELDS } from './resource-fields';

export interface SimAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** `?fields=` exists from 1.8, portgroups from 1.23. */
const FIELDS_MINOR = 8;
const PORTGROUPS_MINOR = 23;
/** Ironic's `[api]max_limit`: the default page size and the largest. */
const MAX_LIMIT = 1000;
const PAGING_PARAMETERS = ['fields', 'limit', 'marker', 'detail', 'sort_key', 'sort_dir'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A filter narrows a listing to ascending positions, or leaves it whole (undefined). */
type Filter = (value: string, query: URLSearchParams) => readonly number[] | undefined;

interface Listing {
  key: 'nodes' | 'ports' | 'portgroups';
  collection: Collection;
  filters: Record<string, Filter>;
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/**
 * The part of Ironic's API a metadata service reads, answered from memory: the root document for
 * version negotiation, nodes (list, detail, one), ports and portgroups, with `fields`, `limit`,
 * `marker`, the `next` link, microversion headers and Ironic's refusals. Counts what it served.
 */
export class SimApi {
  readonly counter = new RequestCounter();
  private readonly nodes: Collection;
  private readonly ports: Collection;
  private readonly portgroups: Collection;
  private readonly nodePositionByName = new Map<string, number>();
  private readonly portPositionsByNode = new Map<string, number[]>();
  private readonly portPositionByAddress = new Map<string, number>();
  private readonly portgroupPositionsByNode = new Map<string, number[]>();
  private readonly identities: string;
  /** Nodes redeployed so far: the next one is the node at this position, round robin. */
  private redeploys = 0;

  constructor(
    fleet: Fleet,
    private readonly publicUrl: string,
  ) {
    this.nodes = new Collection(fleet.nodes, NODE_FIELDS);
    this.ports = new Collection(fleet.ports, PORT_FIELDS);
    this.portgroups = new Collection(fleet.portgroups, PORTGROUP_FIELDS);
    fleet.nodes.forEach((node, position) => this.nodePositionByName.set(node['name'] as string, position));
    fleet.ports.forEach((port, position) => {
      append(this.portPositionsByNode, port['node_uuid'] as string, position);
      this.portPositionByAddress.set(port['address'] as string, position);
    });
    fleet.portgroups.forEach((portgroup, position) => append(this.portgroupPositionsByNode, portgroup['node_uuid'] as string, position));
    this.identities = JSON.stringify(fleet.identities);
  }

  handle(method: string, target: string, versionHeader: string | undefined): SimAnswer {
    const url = new URL(target, this.publicUrl);
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path.startsWith('/__sim/')) return this.control(method, path);
    this.counter.count(`${method} ${routeOf(path)}`);
    if (path === '/') return answer(200, {}, JSON.stringify(this.rootDocument()));
    try {
      if (method !== 'GET' && method !== 'HEAD') throw new IronicFault(405, `The simulator answers GET only, not ${method}`);
      if (path !== '/v1' && !path.startsWith('/v1/')) throw new IronicFault(404, `The resource could not be found: ${path}`);
      const version = requestedVersion(versionHeader);
      if ('refusal' in version) throw new IronicFault(406, version.refusal);
      const { status, body } = this.v1(path.split('/').slice(2), url.searchParams, version.minor);
      return answer(status, { ...VERSION_RESPONSE_HEADERS, 'X-OpenStack-Ironic-API-Version': `1.${version.minor}` }, body);
    } catch (error) {
      if (!(error instanceof IronicFault)) throw error;
      const versioned = path === '/v1' || path.startsWith('/v1/') ? VERSION_RESPONSE_HEADERS : {};
      return answer(error.status, versioned, faultBody(error));
    }
  }

  /**
   * The simulator's own endpoints, not counted: what it served, who each node is, and `POST
   * /__sim/redeploy`, which redeploys the next node (round robin) as a busy fleet does all the time.
   */
  private control(method: string, path: string): SimAnswer {
    if (path === '/__sim/stats') return answer(200, {}, JSON.stringify(this.counter.snapshot()));
    if (path === '/__sim/nodes') return answer(200, {}, this.identities);
    if (path === '/__sim/redeploy' && method === 'POST') return answer(200, {}, JSON.stringify(this.redeploy()));
    return answer(404, {}, JSON.stringify({ error: `no such simulator endpoint ${path}` }));
  }

  /**
   * A rebuild of the next node in place: same instance, a new `provision_updated_at` (Ironic sets it on
   * every provision state change, so a metadata service's scan sees the node changed) and `updated_at`.
   */
  private redeploy(): { uuid: string; provision_updated_at: string } {
    const position = this.redeploys++ % this.nodes.items.length;
    // Ironic's form: microseconds, +00:00.
    const now = new Date().toISOString().replace('Z', '000+00:00');
    this.nodes.update(position, { provision_updated_at: now, updated_at: now });
    return { uuid: this.nodes.items[position]['uuid'] as string, provision_updated_at: now };
  }

  private v1(segments: string[], query: URLSearchParams, minor: number): { status: number; body: string } {
    const [resource, ident, ...rest] = segments;
    if (resource === undefined) return { status: 200, body: JSON.stringify({ id: 'v1', version: this.versionDocument() }) };
    if (rest.length > 0) throw new IronicFault(404, `The simulator does not serve /v1/${segments.join('/')}`);
    const listing = this.listing(resource, minor);
    if (ident === undefined || ident === 'detail') return { status: 200, body: this.list(listing, query, minor, ident === 'detail') };
    if (resource !== 'nodes') throw new IronicFault(404, `The simulator does not serve /v1/${resource}/${ident}`);
    return { status: 200, body: this.node(ident, query, minor) };
  }

  private listing(resource: string, minor: number): Listing {
    switch (resource) {
      case 'nodes':
        return {
          key: 'nodes',
          collection: this.nodes,
          filters: {
            provision_state: (state) => this.nodePositions((node) => node['provision_state'] === state),
            instance_uuid: (uuid) => this.nodePositions((node) => node['instance_uuid'] === uuid),
          },
        };
      case 'ports': {
        // Ironic ignores `address` when a node is named.
        const byNode: Filter = (ident) => this.portPositionsByNode.get(this.requireNode(ident).uuid) ?? [];
        const byAddress: Filter = (address, query) =>
          query.has('node') || query.has('node_uuid') ? undefined : positionList(this.portPositionByAddress.get(portAddress(address)));
        return { key: 'ports', collection: this.ports, filters: { node: byNode, node_uuid: byNode, address: byAddress } };
      }
      case 'portgroups':
        if (minor < PORTGROUPS_MINOR) throw new IronicFault(404, 'The resource could not be found.');
        return {
          key: 'portgroups',
          collection: this.portgroups,
          filters: { node: (ident) => this.portgroupPositionsByNode.get(this.requireNode(ident).uuid) ?? [] },
        };
      default:
        throw new IronicFault(404, `The simulator does not serve /v1/${resource}`);
    }
  }

  private list(listing: Listing, query: URLSearchParams, minor: number, detailPath: boolean): string {
    const { key, collection, filters } = listing;
    for (const name of query.keys()) {
      if (!PAGING_PARAMETERS.includes(name) && !(name in filters))
        throw new IronicFault(400, `The simulator does not implement the query parameter ${name}`);
    }
    const detailQuery = query.get('detail');
    const detail = detailPath || parseBoolean(detailQuery ?? 'false');
    const fields = this.selection(collection, query.get('fields'), minor);
    if (fields && detail) throw new IronicFault(400, 'Can not specify ?detail=True and fields in the same request.');
    if ((query.get('sort_key') ?? 'id') !== 'id' || (query.get('sort_dir') ?? 'asc') !== 'asc') {
      throw new IronicFault(400, 'The simulator sorts by id, ascending, only');
    }
    const limit = parseLimit(query.get('limit'));
    const marker = query.get('marker');
    const after = marker === null ? -1 : this.markerPosition(collection, key, marker);
    let candidates: readonly number[] | undefined;
    for (const [name, filter] of Object.entries(filters)) {
      const value = query.get(name);
      const narrowed = value === null ? undefined : filter(value, query);
      if (narrowed) candidates = candidates ? candidates.filter((position) => narrowed.includes(position)) : narrowed;
    }
    const positions = collection.page(after, limit, candidates);
    const listDefault = [...collection.fields.listDefault.filter((field) => (collection.fields.minorOf[field] ?? 1) <= minor), 'links'];
    const view: ItemView = { minor, fields: fields ?? (detail ? undefined : listDefault) };
    const items = positions.map((position) => collection.render(position, view)).join(',');
    // Ironic's next link keeps only sorting, `detail` and `fields`: every filter is dropped (its bug, kept).
    let next = '';
    if (positions.length > 0 && positions.length === limit) {
      const kept = [
        `sort_key=id`,
        `sort_dir=asc`,
        ...(detailQuery !== null ? [`detail=${detailQuery}`] : []),
        ...(fields ? [`fields=${fields.join(',')}`] : []),
      ];
      const lastUuid = collection.items[positions[positions.length - 1]]['uuid'] as string;
      const href = `${this.publicUrl}/v1/${key}${detailPath ? '/detail' : ''}?${kept.join('&')}&limit=${limit}&marker=${lastUuid}`;
      next = `,"next":${JSON.stringify(href)}`;
    }
    return `{"${key}":[${items}]${next}}`;
  }

  private node(ident: string, query: URLSearchParams, minor: number): string {
    for (const name of query.keys())
      if (name !== 'fields') throw new IronicFault(400, `The simulator does not implement the query parameter ${name}`);
    const fields = this.selection(this.nodes, query.get('fields'), minor);
    return this.nodes.render(this.requireNode(ident).position, { minor, fields });
  }

  /** The `fields` selection, checked as Ironic checks it; undefined when none was asked for. */
  private selection(collection: Collection, fieldsParameter: string | null, minor: number): string[] | undefined {
    if (fieldsParameter === null) return undefined;
    if (minor < FIELDS_MINOR) throw new IronicFault(406, 'Request not acceptable.');
    const fields = fieldsParameter
      .split(',')
      .map((field) => field.trim())
      .filter(Boolean);
    for (const field of fields) {
      if (!collection.fields.selectable(field)) throw new IronicFault(400, `Field ${field} is not a valid field.`);
      if ((collection.fields.minorOf[field] ?? 1) > minor) throw new IronicFault(406, 'Request not acceptable.');
    }
    return fields;
  }

  private markerPosition(collection: Collection, key: string, marker: string): number {
    if (!UUID.test(marker)) throw new IronicFault(400, `Expected a UUID but received ${marker}.`);
    const position = collection.positionOf(marker);
    if (position === undefined) throw new IronicFault(404, `${key === 'nodes' ? 'Node' : 'Item'} ${marker} could not be found.`);
    return position;
  }

  private requireNode(ident: string): { uuid: string; position: number } {
    const position = this.nodes.positionOf(ident) ?? this.nodePositionByName.get(ident);
    if (position === undefined) throw new IronicFault(404, `Node ${ident} could not be found.`);
    return { uuid: this.nodes.items[position]['uuid'] as string, position };
  }

  private nodePositions(matches: (node: Record<string, unknown>) => boolean): number[] {
    return this.nodes.items.flatMap((node, position) => (matches(node) ? [position] : []));
  }

  private versionDocument(): Record<string, unknown> {
    return {
      id: 'v1',
      links: [{ href: `${this.publicUrl}/v1/`, rel: 'self' }],
      status: 'CURRENT',
      min_version: `1.${MIN_MINOR}`,
      version: `1.${MAX_MINOR}`,
    };
  }

  private rootDocument(): Record<string, unknown> {
    return {
      name: 'OpenStack Ironic API',
      description: 'Ironic is an OpenStack project which enables the provision and management of baremetal machines.',
      default_version: this.versionDocument(),
      versions: [this.versionDocument()],
    };
  }
}

function answer(status: number, headers: Record<string, string>, body: string): SimAnswer {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body };
}

/** The route a request counts under: resource paths with the node's identity generalised. */
function routeOf(path: string): string {
  const match = /^\/v1(?:\/(nodes|ports|portgroups)(?:\/([^/]+))?)?$/.exec(path);
  if (path === '/') return '/';
  if (!match) return 'other';
  const [, resource, ident] = match;
  if (!resource) return '/v1';
  if (ident === undefined || ident === 'detail') return `/v1/${resource}${ident ? '/detail' : ''}`;
  return `/v1/${resource}/{ident}`;
}

function parseLimit(text: string | null): number {
  if (text === null) return MAX_LIMIT;
  if (!/^-?\d+$/.test(text.trim()))
    throw new IronicFault(400, `Invalid input for field/attribute limit. Value: '${text}'. Wrong type. Expected 'int'`);
  const limit = Number(text);
  if (limit <= 0) throw new IronicFault(400, 'Limit must be positive');
  return Math.min(limit, MAX_LIMIT);
}

function parseBoolean(text: string): boolean {
  const lower = text.toLowerCase();
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(lower)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(lower)) return false;
  throw new IronicFault(400, `Invalid input for field/attribute detail. Value: '${text}'. Wrong type. Expected 'bool'`);
}

function portAddress(address: string): string {
  const normalized = normalizeMac(address);
  if (normalized === undefined) throw new IronicFault(400, `Expected a MAC address but received ${address}.`);
  return normalized;
}

function positionList(position: number | undefined): number[] {
  return position === undefined ? [] : [position];
}

function append(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
