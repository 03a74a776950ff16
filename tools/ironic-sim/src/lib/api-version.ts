/** What Debian's Ironic 21.4 serves: API 1.1 to 1.82. */
export const MIN_MINOR = 1;
export const MAX_MINOR = 82;
export const VERSION_HEADER = 'x-openstack-ironic-api-version';

export const VERSION_RESPONSE_HEADERS = {
  'X-OpenStack-Ironic-API-Minimum-Version': `1.${MIN_MINOR}`,
  'X-OpenStack-Ironic-API-Maximum-Version': `1.${MAX_MINOR}`,
} as const;

export type RequestedVersion = { minor: number } | { refusal: string };

/**
 * The minor version a request asks for, as Ironic reads `X-OpenStack-Ironic-API-Version`: none means
 * 1.1, `latest` the maximum; anything unparsable or out of range is refused (406).
 */
export function requestedVersion(header: string | undefined): RequestedVersion {
  const text = header === undefined ? `1.${MIN_MINOR}` : header.toLowerCase() === 'latest' ? `1.${MAX_MINOR}` : header;
  const match = /^(\d+)\.(\d+)$/.exec(text.trim());
  if (!match) return { refusal: 'Invalid value for X-OpenStack-Ironic-API-Version header' };
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major !== 1 || minor < MIN_MINOR || minor > MAX_MINOR) {
    return {
      refusal: `Version ${major}.${minor} was requested but the minor version is not supported by this service. The supported version range is: [1.${MIN_MINOR}, 1.${MAX_MINOR}].`,
    };
  }
  return { minor };
}
