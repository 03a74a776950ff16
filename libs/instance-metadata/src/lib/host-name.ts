/** The longest label DNS allows (RFC 1035 section 2.3.4); Nova truncates to it, as dnsmasq would. */
export const MAX_HOSTNAME_LABEL = 63;
/** RFC 1123 section 2.1 host names, as Kubernetes checks them (IsDNS1123Subdomain): lower case, at most 253. */
const DNS1123_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_DNS1123_SUBDOMAIN = 253;

/**
 * Nova's `sanitize_hostname` (nova/utils.py, since Wallaby), step for step: drop characters outside
 * U+0000-U+00FF; truncate to 63; turn ` `, `_` and `.` into `-`; drop what is not a word character,
 * `.` or `-` (Python's `\w` on text: letters and digits of any script, so Latin-1 letters such as `é`
 * stay, as in Nova); lower-case; strip leading and trailing `.` and `-`. May answer `''`: Nova's
 * caller then names the host `Server-<uuid>` (see {@link novaDefaultHostname}).
 */
export function sanitizeHostname(hostname: string): string {
  const latin1 = Array.from(hostname)
    .filter((c) => (c.codePointAt(0) ?? 0) <= 0xff)
    .join('');
  return latin1
    .slice(0, MAX_HOSTNAME_LABEL)
    .replace(/[ _.]/g, '-')
    .replace(/[^\p{L}\p{N}_.-]+/gu, '')
    .toLowerCase()
    .replace(/^[.-]+|[.-]+$/g, '');
}

/** The host name Nova gives an instance whose display name sanitises to nothing (nova/compute/api.py `_populate_instance_names`). */
export function novaDefaultHostname(instanceUuid: string): string {
  return `Server-${instanceUuid}`;
}

/** True for a DNS-1123 subdomain (Kubernetes' rule for node names): dot-separated labels of `a-z0-9-`, at most 253 characters. */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= MAX_DNS1123_SUBDOMAIN && name.split('.').every((label) => DNS1123_LABEL.test(label));
}
