import { routeMetadataPath } from '@ironic-metadata/formatters';
import { MAX_PATH_LENGTH } from './request-guard';
import { RoutedPaths } from './routed-paths';

const NEWTON_META_DATA = '/openstack/2016-06-30/meta_data.json';

describe('RoutedPaths', () => {
  it('gives the route and the refusal the path comes to, the same object when asked again', () => {
    const paths = new RoutedPaths();
    const now = new Date('2026-12-01T04:00:00Z');
    const verdict = paths.verdict('/openstack/latest/meta_data.json', now);
    expect(verdict).toEqual({ routed: routeMetadataPath('/openstack/latest/meta_data.json', { now }) });
    expect(paths.verdict('/openstack/latest/meta_data.json', now)).toBe(verdict);
    expect(paths.verdict('/latest/meta-data/%2525', now).refused).toEqual({ status: 400, reason: 'the path is percent-encoded twice' });
  });

  it('judges a path anew on a new UTC day, when another OpenStack version may be offered', () => {
    const paths = new RoutedPaths();
    expect(paths.verdict(NEWTON_META_DATA, new Date('2016-06-29T23:59:59Z')).routed).toHaveProperty('notFound');
    expect(paths.verdict(NEWTON_META_DATA, new Date('2016-06-30T00:00:00Z')).routed).toHaveProperty('route');
  });

  it('remembers at most max paths, and judges a forgotten one as before', () => {
    const paths = new RoutedPaths(2);
    const now = new Date('2026-12-01T04:00:00Z');
    const first = paths.verdict('/openstack', now);
    paths.verdict('/latest/meta-data/', now);
    expect(paths.verdict('/latest/meta-data/', now)).toBe(paths.verdict('/latest/meta-data/', now));
    paths.verdict('/latest/user-data', now);
    const again = paths.verdict('/openstack', now);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('does not keep a path refused for its length', () => {
    const paths = new RoutedPaths();
    const now = new Date('2026-12-01T04:00:00Z');
    const long = `/latest/meta-data/${'x'.repeat(MAX_PATH_LENGTH)}`;
    const first = paths.verdict(long, now);
    expect(first.refused?.status).toBe(414);
    expect(paths.verdict(long, now)).not.toBe(first);
    expect(paths.verdict(long, now)).toEqual(first);
  });
});
