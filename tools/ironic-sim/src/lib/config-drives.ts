import { createHash } from 'node:crypto';
import { encodeConfigDrive } from '@ironic-metadata/configdrive';

/** Stamped on every image, so that a fleet of the same size is the same bytes from run to run. */
const IMAGE_DATE = new Date('2025-01-01T00:00:00Z');

/** Deterministic bytes standing in for key material: `length` bytes derived from `label`. */
function pseudoRandom(label: string, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * 32 < length; counter++) blocks.push(createHash('sha256').update(`${label}/${counter}`).digest());
  return Buffer.concat(blocks).subarray(0, length);
}

function userData(variant: number): string {
  // A certificate-sized blob keeps the drive as incompressible as a real one with a CA bundle in it.
  const certificate = pseudoRandom(`ca-${variant}`, 1200)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n      ');
  return [
    '#cloud-config',
    `# fleet profile ${variant}`,
    'package_update: true',
    'packages: [chrony, lldpd, ipmitool, nvme-cli]',
    'ntp: {enabled: true, servers: [127.0.0.123]}',
    'write_files:',
    '  - path: /usr/local/share/ca-certificates/fleet-ca.crt',
    '    permissions: "0644"',
    '    content: |',
    '      -----BEGIN CERTIFICATE-----',
    `      ${certificate}`,
    '      -----END CERTIFICATE-----',
    'runcmd:',
    '  - [update-ca-certificates]',
    `  - [systemctl, enable, --now, lldpd]`,
    '',
  ].join('\n');
}

/**
 * `count` distinct config drives as Ironic stores them (base64 of a gzipped ISO 9660 image, a few
 * KiB), built once: writing an image per node would make a 10,000-node fleet slow to start. They
 * hold keys, user data and vendor data but no node identity or network_data, so that sharing one
 * among many nodes is still true to each: the service takes the uuid, name and addresses from the
 * node, as Ironic itself fills a JSON config drive's gaps.
 */
export function buildConfigDriveVariants(count: number): string[] {
  return Array.from({ length: count }, (_, variant) =>
    encodeConfigDrive(
      {
        meta_data: {
          availability_zone: `rack-${String.fromCharCode(97 + (variant % 26))}`,
          launch_index: 0,
          public_keys: { [`ops-${variant}`]: `ssh-ed25519 ${pseudoRandom(`key-${variant}`, 51).toString('base64')} ops-${variant}@fleet` },
          meta: { profile: `profile-${variant}`, role: variant % 2 === 0 ? 'compute' : 'storage' },
        },
        user_data: userData(variant),
        vendor_data: { fleet: { profile: variant, telemetry: 'http://127.0.0.1:9090/ingest' } },
      },
      { date: IMAGE_DATE },
    ),
  );
}
