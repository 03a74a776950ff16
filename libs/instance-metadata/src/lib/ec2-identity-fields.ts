import type { IronicNode } from '@ironic-metadata/ironic-model';

/** Linux's and Ironic's names for a CPU architecture, where EC2 names it differently (AWS `DescribeImages` `Architecture`). */
const EC2_ARCHITECTURES: Readonly<Record<string, string>> = {
  aarch64: 'arm64',
  arm64: 'arm64',
  x86_64: 'x86_64',
  amd64: 'x86_64',
  i386: 'i386',
  i686: 'i386',
};

/**
 * The identity document's `architecture` from Ironic's `properties.cpu_arch` (as inspection or the
 * operator sets it): `aarch64` is EC2's `arm64`, `x86_64` stays; an architecture EC2 has no name
 * for (`ppc64le`, `s390x`, ...) keeps Ironic's. Undefined when the node does not say.
 */
export function ec2Architecture(node: IronicNode): string | undefined {
  const cpuArch = node.properties['cpu_arch'];
  if (typeof cpuArch !== 'string' || cpuArch === '') return undefined;
  return Object.hasOwn(EC2_ARCHITECTURES, cpuArch.toLowerCase()) ? EC2_ARCHITECTURES[cpuArch.toLowerCase()] : cpuArch;
}

/**
 * The identity document's `pendingTime`: when the instance was deployed, ISO 8601 in UTC to the
 * second, as AWS writes it. For an `active` node, Ironic's `provision_updated_at` is when it became
 * active; in any other state it is not, and the time is not known (undefined), as when Ironic gives
 * no time or one that does not parse. Ironic keeps its times in UTC: one written without an offset is
 * read as UTC, not as the server's local time.
 */
export function ec2PendingTime(node: IronicNode): string | undefined {
  const written = node.provision_updated_at;
  if (node.provision_state !== 'active' || !written) return undefined;
  const time = new Date(/(?:Z|[+-]\d{2}:?\d{2})$/i.test(written) ? written : `${written}Z`);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
