import fc from 'fast-check';
import { resolveDotSegments } from './dot-segments';

/**
 * CPython's `posixpath.normpath` (Lib/posixpath.py), transcribed as the reference model: on a
 * relative path it keeps the `..` that climb above the start, so a result starting with `..`
 * is a path that climbs above the root.
 */
function normpath(path: string): string {
  if (path === '') return '.';
  const initialSlashes = path.startsWith('/') ? (path.startsWith('//') && !path.startsWith('///') ? 2 : 1) : 0;
  const components: string[] = [];
  for (const component of path.split('/')) {
    if (component === '' || component === '.') continue;
    if (component !== '..' || (initialSlashes === 0 && components.length === 0) || components[components.length - 1] === '..')
      components.push(component);
    else if (components.length > 0) components.pop();
  }
  const joined = '/'.repeat(initialSlashes) + components.join('/');
  return joined === '' ? '.' : joined;
}

/** The reference's answer for a request path: its segments below the root, or undefined when it climbs. */
function model(path: string): string[] | undefined {
  const normalised = normpath(path.replace(/^\/+/, ''));
  if (normalised === '.') return [];
  const segments = normalised.split('/');
  return segments[0] === '..' ? undefined : segments;
}

const segment = fc.oneof(
  fc.constantFrom('', '.', '..', 'latest', 'meta-data', 'user-data', 'openstack'),
  fc.stringMatching(/^[a-z0-9.:_-]{1,6}$/),
);
const path = fc
  .array(segment, { maxLength: 10 })
  .chain((segments) => fc.constantFrom(`/${segments.join('/')}`, segments.join('/'), `/${segments.join('/')}/`));

describe('resolveDotSegments', () => {
  it.each<[string, string[] | undefined]>([
    // Each checked against Python 3's posixpath.normpath of the path without its leading slash.
    ['/latest/meta-data/../user-data', ['latest', 'user-data']],
    ['/latest/./meta-data//instance-id/', ['latest', 'meta-data', 'instance-id']],
    ['/a/b/../../c', ['c']],
    ['/a/..', []],
    ['/', []],
    ['', []],
    ['/..', undefined],
    ['/../latest', undefined],
    ['/a/../../b', undefined],
    ['/.../x', ['...', 'x']],
  ])('%j resolves to %j', (input, expected) => {
    expect(resolveDotSegments(input)).toEqual(expected);
  });

  it('resolves every path as posixpath.normpath does, and refuses exactly the paths that climb above the root', () => {
    fc.assert(fc.property(path, (input) => expect(resolveDotSegments(input)).toEqual(model(input))));
  });

  it('is idempotent, and what it gives holds no empty, `.` or `..` segment', () => {
    fc.assert(
      fc.property(path, (input) => {
        const once = resolveDotSegments(input);
        if (once === undefined) return;
        expect(once.every((s) => s !== '' && s !== '.' && s !== '..')).toBe(true);
        expect(resolveDotSegments(`/${once.join('/')}`)).toEqual(once);
      }),
    );
  });

  it('climbs above the root exactly when some prefix has more `..` than names', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '..', '.', ''), { maxLength: 12 }), (segments) => {
        let depth = 0;
        let climbs = false;
        for (const s of segments) {
          if (s === '..') depth -= 1;
          else if (s === 'a') depth += 1;
          if (depth < 0) climbs = true;
        }
        expect(resolveDotSegments(segments.join('/')) === undefined).toBe(climbs);
      }),
    );
  });

  it('reaches the same file however many `x/..` detours a path takes', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,5}$/), { maxLength: 5 }), fc.array(fc.nat(), { maxLength: 4 }), (names, detours) => {
        const withDetours = [...names];
        for (const at of detours) withDetours.splice(at % (withDetours.length + 1), 0, 'x', '..');
        expect(resolveDotSegments(withDetours.join('/'))).toEqual(names);
      }),
    );
  });
});
