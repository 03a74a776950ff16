import { withIronicNodeDefaults, type ConfigDriveMetaData } from '@ironic-metadata/configdrive';
import type { IronicNode } from '@ironic-metadata/ironic-model';
import { isDns1123Subdomain, novaDefaultHostname, sanitizeHostname } from './host-name';

/** One value of the identity and where it came from, in words `lookup` shows. */
export interface Derived {
  value: string;
  source: string;
}

/**
 * Who the instance is, the same everywhere: meta_data.json `uuid`, `name` and `hostname`; EC2
 * `instance-id`, `hostname` and `local-hostname`; the identity document's `instanceId`.
 */
export interface InstanceIdentity {
  uuid: Derived;
  /** The display name, never sanitised (Nova's `name`). */
  name: Derived;
  hostname: Derived;
}

/**
 * The identity the node's disk carries, so that cloud-init never sees two instance ids for one
 * deployment (it re-runs first boot and makes new SSH host keys when the id changes).
 *
 * - `uuid` and `name`: with a config drive, its meta_data as Ironic writes it to the disk
 *   ({@link withIronicNodeDefaults}: the node's uuid and name fill a JSON drive's missing ones, which
 *   is what every standalone deploy path writes: Ironic's `build_configdrive`, metalsmith's
 *   `GenericConfig.generate`, bifrost's `openstack_meta_data.json.j2`). A drive given as an image
 *   keeps what it says. With no drive on the node (none given, or one Ironic masks), no disk names
 *   an instance and the service's answer is the only instance id the node sees: the node's
 *   `instance_uuid`, the instance Ironic says is on it (as Nova answers its instance's uuid), else
 *   the node's uuid.
 * - `hostname`: what the drive calls the host, verbatim, whichever key says it: `hostname`, which
 *   cloud-init copies over `local-hostname` (cloudinit/sources/helpers/openstack.py `KEY_COPIES`),
 *   else `local-hostname`. With neither, Nova's rule: `instance_info.hostname` when it is already a
 *   host name (Nova keeps a requested hostname as given), else {@link sanitizeHostname} of it or of
 *   the display name (nova/compute/api.py `_populate_instance_names`), else `Server-<uuid>`.
 */
export function instanceIdentity(node: IronicNode, metaData: ConfigDriveMetaData | undefined): InstanceIdentity {
  const ownName = node.name
    ? { value: node.name, source: "the node's name" }
    : { value: node.uuid, source: "the node's uuid (the node has no name)" };
  if (metaData === undefined) {
    const uuid = withoutDrive(node);
    return { uuid, name: ownName, hostname: hostnameFor(node, {}, ownName, uuid.value) };
  }
  const onDisk = withIronicNodeDefaults(metaData, node);
  const uuid = fromDrive(metaData, onDisk, 'uuid') ?? { value: node.uuid, source: "the node's uuid (the drive's is not a usable string)" };
  const name = fromDrive(metaData, onDisk, 'name') ?? ownName;
  return { uuid, name, hostname: hostnameFor(node, onDisk, name, uuid.value) };
}

/** The instance id of a node without a config drive. */
function withoutDrive(node: IronicNode): Derived {
  return node.instance_uuid
    ? { value: node.instance_uuid, source: "the node's instance_uuid (no config drive)" }
    : { value: node.uuid, source: "the node's uuid (no config drive, no instance_uuid)" };
}

/** `key` of the meta_data on the disk, saying whether the drive or Ironic's fill put it there. */
function fromDrive(given: ConfigDriveMetaData, onDisk: Record<string, unknown>, key: 'uuid' | 'name'): Derived | undefined {
  const value = onDisk[key];
  if (typeof value !== 'string' || value === '') return undefined;
  if (given[key] === value) return { value, source: `config drive meta_data.${key}` };
  return { value, source: `the node's ${key}, as Ironic writes it into a config drive without one` };
}

function hostnameFor(node: IronicNode, onDisk: Record<string, unknown>, name: Derived, uuid: string): Derived {
  for (const key of ['hostname', 'local-hostname']) {
    const value = onDisk[key];
    if (typeof value === 'string' && value !== '') return { value, source: `config drive meta_data.${key}` };
  }
  const requested = node.instance_info.hostname;
  if (requested && isDns1123Subdomain(requested)) return { value: requested, source: 'instance_info.hostname' };
  const candidates: [string | undefined, string][] = [
    [requested, 'instance_info.hostname, sanitised as Nova does'],
    [name.value, `${name.source}, sanitised as Nova does`],
  ];
  for (const [raw, source] of candidates) {
    const value = raw === undefined ? '' : sanitizeHostname(raw);
    if (value !== '') return { value, source };
  }
  return { value: novaDefaultHostname(uuid), source: "Nova's default for a name that sanitises to nothing" };
}
