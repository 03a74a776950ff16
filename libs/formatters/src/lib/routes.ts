import type { PathContext } from './context';
import { parseMetadataPath, type MetadataPath } from './metadata-path';
import { notFound, type NotFound } from './rendered';
import { GRIZZLY, LATEST, NEWTON_TWO, openStackVersionAtLeast, versionAsWritten, type OpenStackVersion } from './versions';

/**
 * Which part of the API a request is for, as metrics label it.
 *
 * @public
 */
export type RouteFamily = 'openstack' | 'ec2' | 'imds-token' | 'nocloud';

/**
 * The HTTP methods any route takes.
 *
 * @public
 */
export type RouteMethod = 'GET' | 'HEAD' | 'POST' | 'PUT';

/**
 * The writes the API performs, by name; the HTTP side holds a handler for each. `store-password` is
 * Nova's POST `password` (nova/api/metadata/password.py); `issue-token` is AWS's IMDSv2 `PUT
 * /latest/api/token` (AWS documentation, "Use IMDSv2").
 *
 * @public
 */
export type RouteWrite = 'store-password' | 'issue-token';

/**
 * Per-instance data a route needs fetched before it renders: `dynamic-vendor-data` is Nova's
 * DynamicJSON vendor data (nova/api/metadata/vendordata_dynamic.py), asked of its targets per instance.
 *
 * @public
 */
export type RouteResolve = 'dynamic-vendor-data';

/**
 * What a path is and what may be done to it: one entry of `ROUTES`.
 *
 * - `tree`, `segments`, `since`, `latestOnly`: which parsed paths it is (see `routeOf`); a path a
 *   route names that its version does not have is not found, for every method.
 * - `methods`: the methods it takes; GET and HEAD read, any other performs `write`.
 * - `onOtherMethod`: the status for a method not in `methods` (405 with Allow, or 400 where Nova does).
 * - `scope`: `public` paths answer every client alike; `instance` paths first find the asking instance.
 * - `imdsSession`: reads check EC2's IMDSv2 session token.
 *
 * @public
 */
export interface Route {
  /** Unique; for logs and tests. */
  readonly name: string;
  /** The family its requests are counted under. */
  readonly family: RouteFamily;
  /** The tree its paths are in, as `parseMetadataPath` names it. */
  readonly tree: MetadataPath['tree'];
  /** The path below the version; absent, the route takes every path of its tree no earlier route takes. */
  readonly segments?: readonly string[];
  /** The first OpenStack version that has this path; under older versions the path is not found. */
  readonly since?: OpenStackVersion;
  /** Only under the version the client wrote as `latest` (AWS serves `api/token` there alone); elsewhere not found. */
  readonly latestOnly?: boolean;
  /** The methods it takes: GET and HEAD read, any other performs `write`. */
  readonly methods: readonly RouteMethod[];
  /** The status for a method not in `methods`: 405 with Allow, or 400 where Nova answers so (`password`). */
  readonly onOtherMethod: 400 | 405;
  /** `public`: answered alike for every client; `instance`: the asking instance is found first. */
  readonly scope: 'public' | 'instance';
  /** The write its method besides GET and HEAD performs. */
  readonly write?: RouteWrite;
  /** Per-instance data fetched before it renders. */
  readonly resolve?: RouteResolve;
  /** Its reads check EC2's IMDSv2 session token. */
  readonly imdsSession?: boolean;
}

const READ: readonly RouteMethod[] = ['GET', 'HEAD'];

/**
 * Every route of the API, first match wins. Adding a path that only renders needs no entry here (the
 * tree's catch-all takes it); a path with its own methods, write, or per-instance data gets one.
 *
 * @public
 */
export const ROUTES: readonly Route[] = [
  // The version listings are the same for every client.
  { name: 'openstack-versions', family: 'openstack', tree: 'openstack-root', methods: READ, onOtherMethod: 405, scope: 'public' },
  // Nova answers any other method on `password` with 400, not 405.
  {
    name: 'openstack-password',
    family: 'openstack',
    tree: 'openstack',
    segments: ['password'],
    since: GRIZZLY,
    methods: ['GET', 'HEAD', 'POST'],
    onOtherMethod: 400,
    scope: 'instance',
    write: 'store-password',
  },
  {
    name: 'openstack-vendor-data2',
    family: 'openstack',
    tree: 'openstack',
    segments: ['vendor_data2.json'],
    since: NEWTON_TWO,
    methods: READ,
    onOtherMethod: 405,
    scope: 'instance',
    resolve: 'dynamic-vendor-data',
  },
  { name: 'openstack', family: 'openstack', tree: 'openstack', methods: READ, onOtherMethod: 405, scope: 'instance' },
  // cloud-init's NoCloud seed, as Tinkerbell's tootles serves it.
  { name: 'nocloud', family: 'nocloud', tree: 'nocloud', methods: READ, onOtherMethod: 405, scope: 'instance' },
  { name: 'ec2-versions', family: 'ec2', tree: 'ec2-root', methods: READ, onOtherMethod: 405, scope: 'public', imdsSession: true },
  // Only PUT: there is nothing here to read, so GET and HEAD are 405 (Allow: PUT) rather than 404.
  {
    name: 'imds-token',
    family: 'imds-token',
    tree: 'ec2',
    segments: ['api', 'token'],
    latestOnly: true,
    methods: ['PUT'],
    onOtherMethod: 405,
    scope: 'instance',
    write: 'issue-token',
    imdsSession: true,
  },
  { name: 'ec2', family: 'ec2', tree: 'ec2', methods: READ, onOtherMethod: 405, scope: 'instance', imdsSession: true },
];

/**
 * The route a parsed path takes; every parsed path has one (each tree ends in a catch-all).
 *
 * @public
 */
export function routeOf(path: MetadataPath): Route {
  const route = ROUTES.find((candidate) => routeMatches(candidate, path));
  if (route === undefined) throw new Error(`no route for the ${path.tree} tree`);
  return route;
}

/**
 * A request path with its route, or why it names nothing with the family it is counted under.
 *
 * @public
 */
export type RoutedPath = { path: MetadataPath; route: Route; family: RouteFamily } | { notFound: NotFound; family: RouteFamily };

/**
 * Parses a request path (see `parseMetadataPath`) and finds its route. A path that names nothing is
 * counted under the family of the tree its first segment names: `openstack`, `nocloud`, else EC2, as
 * Nova serves the EC2 tree at every other path. A path a route names that the requested version does
 * not have (`password` before Grizzly, `api/token` under a dated EC2 version) names nothing either,
 * so that it is 404 for every method rather than 405 naming methods that would then be 404.
 *
 * @public
 */
export function routeMetadataPath(rawPath: string, context: PathContext): RoutedPath {
  const path = parseMetadataPath(rawPath, context);
  if ('status' in path) return { notFound: path, family: unroutedFamily(rawPath) };
  const absent = absentAtVersion(path);
  if (absent) return { notFound: absent, family: unroutedFamily(rawPath) };
  const route = routeOf(path);
  return { path, route, family: route.family };
}

/** Not found when a route names the path but the version the client asked for does not have it. */
function absentAtVersion(path: MetadataPath): NotFound | undefined {
  if (path.tree !== 'openstack' && path.tree !== 'ec2') return undefined;
  const named = ROUTES.find((route) => route.tree === path.tree && route.segments?.join('/') === path.segments.join('/'));
  if (named === undefined || routeMatches(named, path)) return undefined;
  const tree = path.tree === 'openstack' ? 'OpenStack' : 'EC2';
  return notFound(`no ${path.segments.join('/')} in ${tree} metadata version ${versionAsWritten(path)}`);
}

/**
 * The family a request path is counted under, whether or not it names anything.
 *
 * @public
 */
export function routeFamilyOf(rawPath: string, context: PathContext): RouteFamily {
  return routeMetadataPath(rawPath, context).family;
}

function routeMatches(route: Route, path: MetadataPath): boolean {
  if (route.tree !== path.tree) return false;
  if (path.tree === 'ec2-root' || path.tree === 'openstack-root') return true;
  if (route.segments !== undefined && path.segments.join('/') !== route.segments.join('/')) return false;
  if (route.since !== undefined && !(path.tree === 'openstack' && openStackVersionAtLeast(path.version, route.since))) return false;
  if (route.latestOnly && !(path.tree === 'ec2' && path.requestedVersion === LATEST)) return false;
  return true;
}

function unroutedFamily(rawPath: string): RouteFamily {
  const top = rawPath.split('/').find((segment) => segment !== '');
  return top === 'openstack' || top === 'nocloud' ? top : 'ec2';
}
