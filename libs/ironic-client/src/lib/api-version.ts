/**
 * The highest Ironic API microversion this client knows the fields and rules of (Ironic 2023.1).
 *
 * @public
 */
export const CLIENT_MAX_API_VERSION = '1.82';

/** An Ironic API microversion; Ironic's major version is always 1, so only the minor number varies. */
export interface ApiVersion {
  readonly major: number;
  readonly minor: number;
}

const VERSION_PATTERN = /^(\d+)\.(\d+)$/;

/** Parses `1.82`; throws a RangeError naming `what` for anything else. */
export function parseApiVersion(text: string, what: string): ApiVersion {
  const match = VERSION_PATTERN.exec(text.trim());
  if (!match) throw new RangeError(`${what} "${text}" is not an API version like "1.82"`);
  return { major: Number(match[1]), minor: Number(match[2]) };
}

export function formatApiVersion(version: ApiVersion): string {
  return `${version.major}.${version.minor}`;
}

/** Negative, zero or positive as `a` is lower than, equal to or higher than `b`. */
export function compareApiVersions(a: ApiVersion, b: ApiVersion): number {
  return a.major - b.major || a.minor - b.minor;
}

/** The version to use: the lower of what the server and the client support. */
export function lowerApiVersion(a: ApiVersion, b: ApiVersion): ApiVersion {
  return compareApiVersions(a, b) <= 0 ? a : b;
}
