import { ironicNodeSchema, ironicPortgroupSchema, ironicPortSchema } from '@ironic-metadata/ironic-model';
import type { IronicNode, IronicPortgroup, JsonPatchOperation } from '@ironic-metadata/ironic-model';
import type { z } from 'zod';
import { ApiSession, type QueryValue } from './api-session';
import { formatApiVersion, type ApiVersion } from './api-version';
import { parsePage, parseResource } from './answer-parsing';
import { createAuthProvider } from './auth/create-auth-provider';
import { IronicResponseError } from './errors';
import {
  NODE_FIELD_VERSIONS,
  PORT_FIELD_VERSIONS,
  schemaForFields,
  selectFields,
  type NodeField,
  type NodeOf,
  type PortField,
  type PortOf,
} from './fields';
import { HttpTransport } from './http-transport';
import { normalizeMacAddress } from '@ironic-metadata/ironic-model';
import { usedNodeFilters, type NodeFilters } from './node-filters';
import { positiveInteger, resolveOptions, type IronicClientOptions, type ResolvedOptions } from './options';
import { PagedList, type PageRequest } from './paged-list';

/** Portgroups exist from API 1.23. */
const PORTGROUPS_MINOR = 23;

/**
 * How much of a listing to fetch, and in which steps.
 *
 * @public
 */
export interface PagingOptions {
  /** Items per request. Default: the client's `pageSize`. */
  pageSize?: number;
  /** The most items to return in total. Default: all. */
  limit?: number;
}

/**
 * What {@link IronicClient.listNodes} lists: filters (`GET /v1/nodes` query parameters), fields, and paging.
 *
 * @public
 */
export interface ListNodesOptions<F extends NodeField = never> extends PagingOptions {
  /** Only these fields (and `uuid`); fields newer than the negotiated version are left out. Default: all. */
  fields?: readonly F[];
  /** Ironic-side filters, sent with every page. A filter newer than the negotiated version is an error. */
  filters?: NodeFilters;
}

/**
 * What {@link IronicClient.listPorts} lists: one node's ports or all, fields, and paging.
 *
 * @public
 */
export interface ListPortsOptions<F extends PortField = never> extends PagingOptions {
  /** Only the ports of this node. */
  nodeUuid?: string;
  /** Only these fields (and `uuid`). Default: all. */
  fields?: readonly F[];
}

/**
 * What {@link IronicClient.listPortgroups} lists, and paging.
 *
 * @public
 */
export interface ListPortgroupsOptions extends PagingOptions {
  /** Only the portgroups of this node (uuid or name). */
  nodeUuid?: string;
}

/** What a listing needs to know to fetch one page. */
interface CollectionRequest {
  path: string;
  query: Record<string, QueryValue>;
  schema: z.ZodObject;
}

/**
 * A typed client of the Ironic API: negotiates the microversion on first use, sends it with every
 * request, pages by marker, validates every answer against `@ironic-metadata/ironic-model`.
 * Every method rejects with an {@link IronicError} (branch on its `code`, an {@link IronicErrorCode}):
 * `IRONIC_CONNECTION` without an answer, `IRONIC_AUTH` for refused credentials, `IRONIC_API` for an
 * error status, `IRONIC_RESPONSE` for an answer not shaped as Ironic's, `IRONIC_VERSION` for a feature
 * newer than the negotiated API version. Facts from the Ironic API reference (API 1.x, microversions).
 *
 * @example
 * const ironic = new IronicClient({ endpoint: 'http://127.0.0.1:6385' });
 * for await (const page of ironic.listNodes({ fields: ['uuid', 'name'], filters: { provision_state: 'active' } })) {
 *   for (const node of page) console.log(node.uuid, node.name);
 * }
 *
 * @public
 */
export class IronicClient {
  private readonly options: ResolvedOptions;
  private readonly session: ApiSession;
  /** Fields already reported as unavailable, so that each is reported once. */
  private readonly reportedFields = new Set<string>();

  /**
   * A client; nothing is sent until the first request.
   *
   * @throws RangeError when `options` cannot work: no `endpoint` without Keystone, a URL that is not
   *   http(s), a count or time that is not a whole number in range, or Keystone auth without a project.
   */
  constructor(options: IronicClientOptions) {
    this.options = resolveOptions(options);
    const transport = new HttpTransport(this.options);
    this.session = new ApiSession(this.options, transport, createAuthProvider(this.options, transport));
  }

  /** The negotiated microversion (e.g. `1.82`), or undefined before the first request. */
  get apiVersion(): string | undefined {
    const version = this.session.version;
    return version && formatApiVersion(version);
  }

  /**
   * Negotiates now (every other call does it when first needed): the lower of the server's maximum
   * and `maxVersion`. Useful at start-up, to fail early when Ironic is unreachable.
   */
  async negotiate(): Promise<string> {
    return formatApiVersion(await this.session.negotiate());
  }

  /** Nodes, page by page; `await listNodes(...).all()` collects them. */
  listNodes<F extends NodeField = never>(options: ListNodesOptions<F> = {}): PagedList<NodeOf<F>> {
    const filters = options.filters ?? {};
    return this.listCollection<NodeOf<F>>('nodes', options, async () => {
      const version = await this.session.negotiate();
      const used = usedNodeFilters(filters);
      const query = Object.fromEntries(used.map(({ name }) => [name, filters[name]]));
      for (const { name, minor } of used) this.session.requireVersion(minor, `the ${name} filter`, 'GET', '/nodes', query);
      const fields = this.selectFields('node', NODE_FIELD_VERSIONS, options.fields, version);
      return {
        path: fields ? '/nodes' : '/nodes/detail',
        query: Object.assign({}, query, { fields: fields?.join(',') }),
        schema: schemaForFields(ironicNodeSchema, fields),
      };
    });
  }

  /** One node by uuid or name; a missing node is an {@link IronicApiError} with status 404. */
  async getNode<F extends NodeField = never>(uuidOrName: string, fields?: readonly F[]): Promise<NodeOf<F>> {
    const version = await this.session.negotiate();
    const selected = this.selectFields('node', NODE_FIELD_VERSIONS, fields, version);
    const answer = await this.session.request({
      method: 'GET',
      path: `/nodes/${encodeURIComponent(uuidOrName)}`,
      query: { fields: selected?.join(',') },
    });
    return parseResource<NodeOf<F>>(answer, schemaForFields(ironicNodeSchema, selected));
  }

  /**
   * Applies JSON Patch operations to a node and returns the node as it now is. Not repeated after a
   * time-out or a 5xx (it may have been applied), only when the connection was refused.
   */
  async patchNode(uuidOrName: string, operations: readonly JsonPatchOperation[]): Promise<IronicNode> {
    const answer = await this.session.request({ method: 'PATCH', path: `/nodes/${encodeURIComponent(uuidOrName)}`, body: operations });
    return parseResource<IronicNode>(answer, ironicNodeSchema);
  }

  /**
   * The port with this MAC address, or undefined. The address is normalised (lower case, colons) and
   * checked first: an invalid one is a RangeError, with no request sent.
   */
  async findPortByAddress<F extends PortField = never>(mac: string, fields?: readonly F[]): Promise<PortOf<F> | undefined> {
    const address = normalizeMacAddress(mac);
    const version = await this.session.negotiate();
    const selected = this.selectFields('port', PORT_FIELD_VERSIONS, fields, version);
    const answer = await this.session.request({
      method: 'GET',
      path: selected ? '/ports' : '/ports/detail',
      query: { address, fields: selected?.join(',') },
    });
    const page = parsePage<PortOf<F>>(answer, 'ports', schemaForFields(ironicPortSchema, selected));
    if (page.invalid.length > 0) throw new IronicResponseError(answer.method, answer.url, answer.status, page.invalid);
    return page.items[0];
  }

  /** Ports (of one node, or all), page by page. */
  listPorts<F extends PortField = never>(options: ListPortsOptions<F> = {}): PagedList<PortOf<F>> {
    return this.listCollection<PortOf<F>>('ports', options, async () => {
      const version = await this.session.negotiate();
      const fields = this.selectFields('port', PORT_FIELD_VERSIONS, options.fields, version);
      return {
        path: fields ? '/ports' : '/ports/detail',
        query: { node_uuid: options.nodeUuid, fields: fields?.join(',') },
        schema: schemaForFields(ironicPortSchema, fields),
      };
    });
  }

  /** Portgroups (bonds) of one node, or all, page by page; needs API 1.23. */
  listPortgroups(options: ListPortgroupsOptions = {}): PagedList<IronicPortgroup> {
    return this.listCollection<IronicPortgroup>('portgroups', options, async () => {
      const query = { node: options.nodeUuid };
      await this.session.negotiate();
      this.session.requireVersion(PORTGROUPS_MINOR, 'listing portgroups', 'GET', '/portgroups/detail', query);
      return { path: '/portgroups/detail', query, schema: ironicPortgroupSchema };
    });
  }

  private listCollection<T>(key: string, paging: PagingOptions, prepare: () => Promise<CollectionRequest>): PagedList<T> {
    const pageSize = positiveInteger(paging.pageSize ?? this.options.pageSize, 'pageSize');
    const limit = paging.limit === undefined ? undefined : positiveInteger(paging.limit, 'limit');
    const fetchPage = async ({ limit, marker }: PageRequest) => {
      const { path, query, schema } = await prepare();
      const answer = await this.session.request({ method: 'GET', path, query: Object.assign({}, query, { limit, marker }) });
      const page = parsePage<T>(answer, key, schema);
      if (page.invalid.length > 0) {
        this.options.logger.warn(`${answer.method} ${answer.url}: left out ${key} that do not have the expected shape`, {
          problems: page.invalid,
        });
      }
      return page;
    };
    return new PagedList<T>(fetchPage, pageSize, limit);
  }

  /** The `fields` to send; reports (once per field) those the negotiated version does not have. */
  private selectFields(
    kind: string,
    versions: Readonly<Record<string, number>>,
    requested: readonly string[] | undefined,
    version: ApiVersion,
  ): string[] | undefined {
    const selection = selectFields(versions, requested, version);
    for (const field of selection.dropped) {
      const key = `${kind}.${field}`;
      if (this.reportedFields.has(key)) continue;
      this.reportedFields.add(key);
      this.options.logger.warn(
        `Ironic ${kind} field ${field} needs API 1.${versions[field]} but ${formatApiVersion(version)} is in use; it is left out of answers`,
      );
    }
    return selection.fields;
  }
}
