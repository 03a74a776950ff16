import type { RenderContext } from './context';
import type { InstanceMetadata, PublicKey } from './instance-metadata';
import { GRIZZLY, LIBERTY, NEWTON_ONE, OCATA, ROCKY, VICTORIA, openStackVersionAtLeast, type OpenStackVersion } from './versions';

/**
 * Nova's `meta_data.json` for one version.
 *
 * @public
 */
export interface NovaMetaData {
  uuid: string;
  /** Present only when the instance has metadata, as Nova does. */
  meta?: Record<string, string>;
  /** `{name: key}`; present with `keys` only when the instance has keys. */
  public_keys?: Record<string, string>;
  keys?: PublicKey[];
  hostname: string;
  name: string;
  launch_index: number;
  availability_zone: string;
  /** Grizzly (2013-04-04) and later. */
  random_seed?: string;
  /** Liberty (2015-10-15) and later, when known. */
  project_id?: string;
  /** Newton one (2016-06-30) and later. */
  devices?: unknown[];
  /** Victoria (2020-10-14) and later; a bare-metal node pins no CPUs, so always empty. */
  dedicated_cpus?: number[];
  /** Keys the config drive carried that no field above covers (`admin_pass`, ...), as they were. */
  [fromConfigDrive: string]: unknown;
}

/**
 * meta_data.json keys a config drive's copy of which is never served: the keys Nova computes
 * (`nova/api/metadata/base.py` `InstanceMetadata._metadata_as_json`) and this builder always fills,
 * so a config drive's copy never leaks through `extraMetaData`
 * (a drive's static `random_seed` must not replace a fresh one, nor appear in versions before
 * Grizzly). `files` and `network_config` point at `/openstack/content/NNNN` files that we cannot
 * serve, and cloud-init's reader abandons the whole datasource (BrokenMetadata) when one of those
 * reads fails, so they are left out too.
 *
 * @public
 */
export const META_DATA_KEYS_NOT_PASSED_THROUGH: ReadonlySet<string> = new Set([
  'uuid',
  'meta',
  'public_keys',
  'keys',
  'hostname',
  'name',
  'launch_index',
  'availability_zone',
  'random_seed',
  'project_id',
  'devices',
  'dedicated_cpus',
  'files',
  'network_config',
]);

/**
 * Builds `meta_data.json` for `version` with Nova's keys, gating and key order (Nova fills `uuid`,
 * `meta`, then its extra metadata, then the computed keys). The model's own fields already hold the
 * config drive's values where it had them; every other key the drive carried is passed through.
 *
 * @public
 */
export function openStackMetaData(
  md: InstanceMetadata,
  version: OpenStackVersion,
  context: Pick<RenderContext, 'randomSeed'>,
): NovaMetaData {
  const atLeast = (required: OpenStackVersion): boolean => openStackVersionAtLeast(version, required);
  return {
    uuid: md.uuid,
    ...(Object.keys(md.meta).length > 0 ? { meta: md.meta } : {}),
    ...passedThrough(md.extraMetaData),
    ...(md.publicKeys.length > 0 ? publicKeyFields(md.publicKeys) : {}),
    hostname: md.hostname,
    name: md.name,
    launch_index: md.launchIndex,
    availability_zone: md.availabilityZone,
    ...(atLeast(GRIZZLY) ? { random_seed: context.randomSeed } : {}),
    ...(atLeast(LIBERTY) && md.projectId !== undefined ? { project_id: md.projectId } : {}),
    ...(atLeast(NEWTON_ONE) ? { devices: devicesFor(md.devices, version) } : {}),
    ...(atLeast(VICTORIA) ? { dedicated_cpus: [] } : {}),
  };
}

// Entries are defined, never assigned, so a drive's `__proto__` key stays a plain key.
function passedThrough(extra: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(extra).filter(([key]) => !META_DATA_KEYS_NOT_PASSED_THROUGH.has(key)));
}

function publicKeyFields(keys: readonly PublicKey[]): Pick<NovaMetaData, 'public_keys' | 'keys'> {
  return {
    public_keys: Object.fromEntries(keys.map((key) => [key.name, key.data])),
    keys: keys.map(({ name, type, data }) => ({ name, type, data })),
  };
}

/**
 * Nova shows a NIC's `vlan` from Ocata and `vf_trusted` from Rocky, and hides a NIC that is left
 * with nothing to say (no `tags`, `vlan` or `vf_trusted`) in the version asked for.
 */
function devicesFor(devices: readonly unknown[], version: OpenStackVersion): unknown[] {
  return devices.flatMap((device) => {
    if (typeof device !== 'object' || device === null || Array.isArray(device)) return [device];
    const shown: Record<string, unknown> = { ...device };
    if (!openStackVersionAtLeast(version, OCATA)) delete shown['vlan'];
    if (!openStackVersionAtLeast(version, ROCKY)) delete shown['vf_trusted'];
    const saysNothing = !('tags' in shown || 'vlan' in shown || 'vf_trusted' in shown);
    return shown['type'] === 'nic' && saysNothing ? [] : [shown];
  });
}
