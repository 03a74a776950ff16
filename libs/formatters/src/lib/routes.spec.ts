import fc from 'fast-check';
import { instanceMetadata, renderContext, serve, TODAY } from '../test-support/instance-metadata.fixture';
import { walkMetadata } from './metadata-walk';
import { parseMetadataPath } from './metadata-path';
import { ROUTES, routeFamilyOf, routeMetadataPath, routeOf, type Route } from './routes';
import {
  EC2_DYNAMIC_DATA,
  EC2_VERSIONS,
  GRIZZLY,
  HAVANA,
  LATEST,
  LIBERTY,
  NEWTON_TWO,
  OPENSTACK_VERSIONS,
  openStackVersionAtLeast,
  type Ec2Version,
  type OpenStackVersion,
} from './versions';

const now = TODAY;
const parse = (path: string) => parseMetadataPath(path, { now });

/** Why a path names nothing, or a failure when it names something. */
function notFoundReason(path: string): string {
  const routed = routeMetadataPath(path, { now });
  if (!('notFound' in routed)) throw new Error(`${path} takes route ${routed.route.name}`);
  return routed.notFound.reason;
}

function route(path: string): Route {
  const parsed = parse(path);
  if ('status' in parsed) throw new Error(parsed.reason);
  return routeOf(parsed);
}

/** The method besides GET and HEAD a route takes, which performs its write. */
const writeMethodOf = (taken: Route) => taken.methods.find((method) => method !== 'GET' && method !== 'HEAD');

/** Nova's files of an OpenStack version, in its listing order (nova/api/metadata/base.py, `_route_configuration`). */
function novaFiles(version: OpenStackVersion): string[] {
  const gated: [string, OpenStackVersion][] = [
    ['password', GRIZZLY],
    ['vendor_data.json', HAVANA],
    ['network_data.json', LIBERTY],
    ['vendor_data2.json', NEWTON_TWO],
  ];
  return ['meta_data.json', 'user_data', ...gated.filter(([, since]) => openStackVersionAtLeast(version, since)).map(([name]) => name)];
}

/** What AWS lists under a version (AWS documentation, "Instance metadata categories"); `api/token` is not listed. */
const AWS_VERSION_ENTRIES = ['dynamic', 'meta-data', 'user-data'];

describe('ROUTES', () => {
  it('names each route once, and takes GET and HEAD on every route but the IMDSv2 token, which has nothing to read', () => {
    expect(new Set(ROUTES.map((entry) => entry.name)).size).toBe(ROUTES.length);
    for (const entry of ROUTES) {
      if (entry.name === 'imds-token') expect(entry.methods).toEqual(['PUT']);
      else expect(entry.methods).toEqual(expect.arrayContaining(['GET', 'HEAD']));
    }
  });

  it('gives a write, and only a write, a method besides GET and HEAD', () => {
    for (const entry of ROUTES) expect(writeMethodOf(entry) !== undefined).toBe(entry.write !== undefined);
  });

  it.each([...OPENSTACK_VERSIONS, LATEST])('routes every file Nova lists under OpenStack %s, and nothing it does not list', (requested) => {
    const version = requested === LATEST ? OPENSTACK_VERSIONS[OPENSTACK_VERSIONS.length - 1] : (requested as OpenStackVersion);
    const listed = serve(`/openstack/${requested}/`);
    expect(listed.status === 200 && listed.body.toString().split('\n')).toEqual(novaFiles(version));
    expect(route(`/openstack/${requested}/`)).toMatchObject({ name: 'openstack', scope: 'instance', family: 'openstack' });
    for (const file of novaFiles(version)) {
      const taken = route(`/openstack/${requested}/${file}`);
      expect(taken).toMatchObject({ family: 'openstack', scope: 'instance' });
      expect(taken.imdsSession).toBeUndefined();
      expect(taken.name).toBe({ password: 'openstack-password', 'vendor_data2.json': 'openstack-vendor-data2' }[file] ?? 'openstack');
    }
    // A route of its own only where the version has the file: before Grizzly, `password` names nothing, for every method.
    for (const entry of ROUTES.filter((candidate) => candidate.tree === 'openstack' && candidate.segments !== undefined)) {
      const name = entry.segments?.join('/') ?? '';
      if (novaFiles(version).includes(name)) expect(route(`/openstack/${requested}/${name}`).name).toBe(entry.name);
      else expect(notFoundReason(`/openstack/${requested}/${name}`)).toBe(`no ${name} in OpenStack metadata version ${requested}`);
    }
  });

  it.each([...EC2_VERSIONS, LATEST])(
    'routes what AWS lists under EC2 %s through the token check, and api/token under latest alone',
    (version) => {
      const listed = serve(`/${version}/`);
      const hasDynamic = version === LATEST || EC2_VERSIONS.indexOf(version as Ec2Version) >= EC2_VERSIONS.indexOf(EC2_DYNAMIC_DATA);
      const entries =
        listed.status === 200
          ? listed.body
              .toString()
              .split('\n')
              .map((entry) => entry.replace(/\/$/, ''))
          : [];
      expect(entries).toEqual(AWS_VERSION_ENTRIES.filter((entry) => hasDynamic || entry !== 'dynamic'));
      for (const entry of AWS_VERSION_ENTRIES) {
        for (const prefix of ['', '/ec2'])
          expect(route(`${prefix}/${version}/${entry}`)).toMatchObject({
            name: 'ec2',
            family: 'ec2',
            scope: 'instance',
            imdsSession: true,
            methods: ['GET', 'HEAD'],
          });
      }
      if (version === LATEST) expect(route(`/${version}/api/token`).name).toBe('imds-token');
      else expect(notFoundReason(`/${version}/api/token`)).toBe(`no api/token in EC2 metadata version ${version}`);
    },
  );

  it('lists the versions to every client alike, the EC2 ones behind the token check', () => {
    expect(route('/openstack')).toMatchObject({ name: 'openstack-versions', scope: 'public', family: 'openstack' });
    expect(route('/')).toMatchObject({ name: 'ec2-versions', scope: 'public', family: 'ec2', imdsSession: true });
    expect(route('/ec2/')).toMatchObject({ name: 'ec2-versions' });
  });

  it("answers a method a path does not take with 405, but Nova's password with 400", () => {
    expect(route('/openstack/latest/password').onOtherMethod).toBe(400);
    expect(route('/latest/api/token').onOtherMethod).toBe(405);
    expect(route('/latest/meta-data/').onOtherMethod).toBe(405);
  });

  it('writes by name: the password, and IMDSv2 session tokens', () => {
    expect(route('/openstack/latest/password')).toMatchObject({ write: 'store-password', methods: ['GET', 'HEAD', 'POST'] });
    expect(route('/ec2/latest/api/token/')).toMatchObject({ write: 'issue-token', methods: ['PUT'], family: 'imds-token' });
    expect(route('/openstack/latest/vendor_data2.json')).toMatchObject({ resolve: 'dynamic-vendor-data', methods: ['GET', 'HEAD'] });
  });

  it('gives every parsed path a route of its tree; a public route renders for any client', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            'openstack',
            'ec2',
            'nocloud',
            'latest',
            '2009-04-04',
            '2013-04-04',
            'password',
            'api',
            'token',
            'meta-data',
            '..',
            '.',
            '',
          ),
          { maxLength: 5 },
        ),
        (segments) => {
          const routed = routeMetadataPath(`/${segments.join('/')}`, { now });
          if ('notFound' in routed) return;
          expect(ROUTES).toContain(routed.route);
          expect(routed.family).toBe(routed.route.family);
          // A public route renders without an instance; an instance route is not found without one.
          if (routed.route.scope === 'public') expect(serve(`/${segments.join('/')}`, undefined).status).toBe(200);
          expect(routed.route.tree).toBe(routed.path.tree);
        },
      ),
    );
  });
});

describe('ROUTES and the walk', () => {
  it('give every path the service answers a route that reads it, under the family the walk names', () => {
    for (const walked of walkMetadata(instanceMetadata(), renderContext())) {
      const routed = routeMetadataPath(walked.path, { now });
      if ('notFound' in routed) throw new Error(`${walked.path}: ${routed.notFound.reason}`);
      expect([walked.path, routed.family]).toEqual([walked.path, walked.family]);
      expect(routed.route.methods).toContain('GET');
      expect(routed.route.scope).toBe(walked.path === '/' || walked.path === '/openstack/' ? 'public' : 'instance');
    }
  });
});

describe('routeFamilyOf', () => {
  it.each([
    ['/openstack/latest/meta_data.json', 'openstack'],
    ['/openstack/2014-01-01/meta_data.json', 'openstack'],
    ['/nocloud/meta-data', 'nocloud'],
    ['/latest/api/token', 'imds-token'],
    ['/latest/api/token/', 'imds-token'],
    ['/2009-04-04/api/token', 'ec2'],
    ['/latest/meta-data/', 'ec2'],
    ['/2023-01-01/meta-data/instance-id', 'ec2'],
    ['/latest/meta-data/%E0%A4%A', 'ec2'],
    ['/', 'ec2'],
  ])('%s is counted under %s', (path, family) => {
    expect(routeFamilyOf(path, renderContext())).toBe(family);
  });
});

describe('route scope (was needsNode)', () => {
  it.each([
    ['/', false],
    ['/openstack', false],
    ['/openstack/latest', true],
    ['/latest/', true],
    ['/2009-04-04/meta-data/instance-id', true],
  ])('%s: %s', (path, expected) => {
    expect(route(path).scope === 'instance').toBe(expected);
  });
});

describe('route write method (was writeMethodFor)', () => {
  it.each([
    ['/openstack/latest/password', 'POST'],
    ['/openstack/2013-04-04/password/', 'POST'],
    ['/openstack/latest/meta_data.json', undefined],
    ['/latest/api/token', 'PUT'],
    ['/latest/meta-data/', undefined],
    ['/', undefined],
    ['/openstack', undefined],
  ])('%s accepts %s', (path, expected) => {
    expect(writeMethodOf(route(path))).toBe(expected);
  });
});

describe('paths a route names that the version does not have', () => {
  it.each([
    ['/openstack/2012-08-10/password', 'no password in OpenStack metadata version 2012-08-10', 'openstack'],
    ['/openstack/2016-06-30/vendor_data2.json/', 'no vendor_data2.json in OpenStack metadata version 2016-06-30', 'openstack'],
    ['/2009-04-04/api/token', 'no api/token in EC2 metadata version 2009-04-04', 'ec2'],
    ['/ec2/2022-09-24/api/token', 'no api/token in EC2 metadata version 2022-09-24', 'ec2'],
  ])('%s names nothing (%s), counted under %s', (path, reason, family) => {
    expect(notFoundReason(path)).toBe(reason);
    expect(routeFamilyOf(path, { now })).toBe(family);
  });
});
