import fc from 'fast-check';

/**
 * A key inside a JSON value: an object key or a list index.
 *
 * @public
 */
export type JsonPath = (string | number)[];

/**
 * A JSON value `depth` levels deep, alternating lists and objects: deep nesting within the limits a drive allows.
 *
 * @public
 */
export function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? [value] : { deeper: value };
  return value;
}

/**
 * What stands where a field was in drives and inventories seen in the field: wrong types, zero, negative, null, empty, deep nesting.
 *
 * @public
 */
export const oddJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(0, -1, -1500, 0.5, 1e21, null, '', ' ', '0', '100', 'not-an-address', true, false, [], {}, [null], { '': '' }),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.integer({ min: 1, max: 64 }).map(nested),
);

/**
 * Every path to a value inside `value` (not the root), objects and lists alike.
 *
 * @public
 */
export function jsonPaths(value: unknown, prefix: JsonPath = []): JsonPath[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  return entries.flatMap(([key, item]) => [[...prefix, key], ...jsonPaths(item, [...prefix, key])]);
}

/**
 * One change to one field: replaced by an odd value, removed, or given an unknown key beside it.
 *
 * @public
 */
export type JsonMutation =
  | { path: JsonPath; change: 'replace'; value: unknown }
  | { path: JsonPath; change: 'remove' }
  | { path: JsonPath; change: 'add-key'; key: string; value: unknown };

/**
 * A copy of `value` with the mutation applied; `value` itself is left as it was.
 *
 * @public
 */
export function applyMutation(value: unknown, mutation: JsonMutation): unknown {
  const copy = structuredClone(value);
  const parentPath = mutation.change === 'add-key' ? mutation.path : mutation.path.slice(0, -1);
  const parent = parentPath.reduce<unknown>((at, key) => (at as Record<string | number, unknown>)[key], copy) as
    Record<string | number, unknown> | unknown[];
  if (mutation.change === 'add-key') {
    if (typeof parent === 'object' && parent !== null && !Array.isArray(parent)) parent[mutation.key] = mutation.value;
    return copy;
  }
  const key = mutation.path[mutation.path.length - 1];
  if (mutation.change === 'replace') (parent as Record<string | number, unknown>)[key] = mutation.value;
  else if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return copy;
}

/**
 * One mutation of one field of `value`, among the fields `where` allows (all by default): the way
 * property tests mutate valid drives, nodes and inventories field by field.
 *
 * @public
 */
export function jsonMutation(value: unknown, where: (path: JsonPath) => boolean = () => true): fc.Arbitrary<JsonMutation> {
  const paths = jsonPaths(value).filter(where);
  const objects = [[], ...paths].filter((path) => {
    const at = path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value);
    return typeof at === 'object' && at !== null && !Array.isArray(at) && where(path);
  });
  return fc.oneof(
    fc.record({ path: fc.constantFrom(...paths), change: fc.constant('replace' as const), value: oddJsonValue }),
    fc.record({ path: fc.constantFrom(...paths), change: fc.constant('remove' as const) }),
    fc.record({
      path: fc.constantFrom(...objects),
      change: fc.constant('add-key' as const),
      key: fc.string({ minLength: 1, maxLength: 8 }),
      value: oddJsonValue,
    }),
  );
}

/**
 * Whether `path` is `prefix` or lies under it.
 *
 * @public
 */
export function isUnder(path: JsonPath, prefix: JsonPath): boolean {
  return prefix.every((key, index) => path[index] === key);
}
