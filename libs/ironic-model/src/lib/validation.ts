import { z } from 'zod';

/**
 * A value from outside (a file, an HTTP answer) that does not have the shape this project expects.
 *
 * @remarks `code` is always `VALIDATION_FAILED` (see {@link IronicModelErrorCode}); `name` is `ValidationError`.
 * @public
 */
export class ValidationError extends Error {
  /** Stable code to branch on. */
  readonly code = 'VALIDATION_FAILED';
  override readonly name = 'ValidationError';

  constructor(
    message: string,
    /** Where the value came from, e.g. a file name or a URL. */
    readonly source: string,
    /** Each problem as `path: message`. */
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}

/**
 * `instance_info.fixed_ips[0]` from zod's `['instance_info', 'fixed_ips', 0]`.
 *
 * @public
 */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, '');
}

/**
 * One line a problem: `field instance_info.fixed_ips[0]: expected string, received number`.
 *
 * @public
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], skip = 0): string[] {
  return issues.map((issue) => {
    const field = formatPath(issue.path.slice(skip));
    return field ? `field ${field}: ${issue.message}` : issue.message;
  });
}

/**
 * A value that lenient parsing left out of what the service reads, and why.
 *
 * @public
 */
export interface LeftAside {
  /** Where it was, e.g. `networks[0].ip_address` (relative to what was parsed). */
  field: string;
  /** Why it was left out: what was expected, and what was found. */
  problem: string;
}

/**
 * What {@link parseLeniently} gives: the value with what was left aside of it, or why it cannot be used at all.
 *
 * @public
 */
export type LenientResult<T> = { success: true; data: T; leftAside: LeftAside[] } | { success: false; problems: string[] };

/** Nested removals from a value: a removed value, or the removals below it. */
interface Removals {
  removed: boolean;
  below: Map<PropertyKey, Removals>;
}

const MAX_ROUNDS = 32;
/** What each leniently parsed object left aside, kept beside it so the object keeps Ironic's shape. */
const leftAsideByParsed = new WeakMap<object, readonly LeftAside[]>();

/**
 * The values {@link parseLeniently} left out of `parsed` (an object it returned), or none. Lets the
 * values left aside travel with a node from the client or file that parsed it to whoever reports them.
 *
 * @public
 */
export function leftAsideIn(parsed: object): readonly LeftAside[] {
  return leftAsideByParsed.get(parsed) ?? [];
}

/**
 * Parses `value` with `schema`, leaving aside each value the schema refuses rather than the whole:
 * an unusable optional value is removed (and reported), a required one takes its enclosing list item
 * or field with it, and only a problem with the value as a whole fails. So one odd value in data
 * deployers wrote (a string `bond_miimon`, a `fixed_ips` entry that is not an address) costs that value,
 * never its neighbours. Fields are named relative to `value`, as in the original (list indexes too).
 *
 * @public
 */
export function parseLeniently<S extends z.ZodType>(schema: S, value: unknown): LenientResult<z.output<S>> {
  const removals: Removals = { removed: false, below: new Map() };
  let leftAside = new Map<string, LeftAside>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const result = schema.safeParse(round === 0 ? value : withoutRemovals(value, removals));
    if (result.success) {
      const data = result.data;
      if (leftAside.size > 0 && typeof data === 'object' && data !== null) leftAsideByParsed.set(data, [...leftAside.values()]);
      return { success: true, data, leftAside: [...leftAside.values()] };
    }
    // Located before any removal of this round: a removed list item shifts the indexes zod reports,
    // and a value zod reports twice (wrong type, too short) is still there for the second report.
    const located = innermostIssues(result.error.issues).map((issue) => {
      const path = originalPath(value, removals, issue.path);
      return { issue, path, missing: lookUp(value, removals, path) === undefined };
    });
    const unusable: string[] = [];
    const removedNow = new Set<string>();
    for (const { issue, path, missing } of located) {
      if (ancestorRemoved(removals, path)) continue; // its container already went
      // A value that is missing (or was removed in an earlier round) but required: its container goes instead.
      const target = missing ? path.slice(0, -1) : path;
      const field = formatPath(target);
      if (removedNow.has(field)) continue;
      const relative = formatPath(path.slice(target.length));
      const problem = leftAside.get(formatPath(path))?.problem ?? issue.message;
      const described = relative ? `${relative}: ${problem}` : problem;
      if (target.length === 0) {
        unusable.push(relative ? `field ${described}` : described);
        continue;
      }
      removedNow.add(field);
      leftAside = replacingUnder(leftAside, field, { field, problem: described });
      markRemoved(removals, target);
    }
    if (unusable.length > 0) return { success: false, problems: unusable };
  }
  return { success: false, problems: [`more than ${MAX_ROUNDS} rounds of unusable values`] };
}

/** The records with those at or under `field` replaced by `entry`, where the first of them was: the order stays the document's. */
function replacingUnder(records: Map<string, LeftAside>, field: string, entry: LeftAside): Map<string, LeftAside> {
  const under = (key: string) => key === field || key.startsWith(`${field}.`) || key.startsWith(`${field}[`);
  const replaced = new Map<string, LeftAside>();
  for (const [key, record] of records) {
    if (!under(key)) replaced.set(key, record);
    else if (!replaced.has(field)) replaced.set(field, entry);
  }
  if (!replaced.has(field)) replaced.set(field, entry);
  return replaced;
}

/**
 * A union refused as a whole (`invalid_union`) is described by the issues of the one option whose
 * type matched, when there is one: `{"ops": 5}` for "a map of strings or a list" is one bad key.
 */
function innermostIssues(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union') return [issue];
    const matched = issue.errors.filter((option) => option.length > 0 && option.every((inner) => inner.path.length > 0));
    if (matched.length !== 1) return [issue];
    return innermostIssues(
      matched[0].map((inner) => Object.assign({}, inner, { path: [...issue.path, ...inner.path] }) as z.core.$ZodIssue),
    );
  });
}

/** The value with the removals applied; only the containers on a removed path are copied. */
function withoutRemovals(value: unknown, removals: Removals): unknown {
  if (removals.below.size === 0 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => {
      const below = removals.below.get(index);
      if (!below) return [item];
      return below.removed ? [] : [withoutRemovals(item, below)];
    });
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, below] of removals.below) {
    if (below.removed) delete copy[String(key)];
    else copy[String(key)] = withoutRemovals(copy[String(key)], below);
  }
  return copy;
}

/** A path in the value with removals applied, as a path in the original (list items removed shift indexes). */
function originalPath(value: unknown, removals: Removals | undefined, path: readonly PropertyKey[]): PropertyKey[] {
  const original: PropertyKey[] = [];
  let current = value;
  let below = removals;
  for (const key of path) {
    let step = key;
    if (Array.isArray(current) && typeof key === 'number') {
      let kept = -1;
      step = current.findIndex((_item, index) => !below?.below.get(index)?.removed && ++kept === key);
      if (step === -1) step = current.length;
    }
    original.push(step);
    current = typeof current === 'object' && current !== null ? (current as Record<PropertyKey, unknown>)[step] : undefined;
    below = below?.below.get(step);
  }
  return original;
}

/** The original value at `path`, or undefined when it is absent or removed. */
function lookUp(value: unknown, removals: Removals | undefined, path: readonly PropertyKey[]): unknown {
  let current = value;
  let below = removals;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
    below = below?.below.get(key);
    if (below?.removed) return undefined;
  }
  return current;
}

function ancestorRemoved(removals: Removals, path: readonly PropertyKey[]): boolean {
  let node: Removals | undefined = removals;
  for (const key of path.slice(0, -1)) {
    node = node.below.get(key);
    if (!node) return false;
    if (node.removed) return true;
  }
  return false;
}

function markRemoved(removals: Removals, path: readonly PropertyKey[]): void {
  let node = removals;
  for (const key of path) {
    let next = node.below.get(key);
    if (!next) {
      next = { removed: false, below: new Map() };
      node.below.set(key, next);
    }
    node = next;
  }
  node.removed = true;
  node.below.clear();
}
