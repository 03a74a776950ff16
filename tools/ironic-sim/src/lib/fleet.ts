import { buildConfigDriveVariants } from './config-drives';
import { nodeAddress } from './node-address';

export type JsonObject = Record<string, unknown>;

export interface FleetOptions {
  nodes: number;
  /** Distinct config drives, shared round-robin by the nodes. */
  driveVariants: number;
  /** Where the simulator answers, for the `links` Ironic puts in every resource. */
  publicUrl: string;
}

/** What a benchmark client needs to play a node: where it asks from, and whom it should be told it is. */
export interface NodeIdentity {
  uuid: string;
  name: string;
  instanceUuid: string;
  address: string;
}

export interface Fleet {
  nodes: JsonObject[];
  ports: JsonObject[];
  portgroups: JsonObject[];
  identities: NodeIdentity[];
}

const CREATED_AT = '2025-01-01T00:00:00+00:00';
const DEPLOYED_AT = '2025-01-02T03:04:05+00:00';
const UUID_PREFIX = { node: 'a0000000', port: 'a0000001', instance: 'a0000002' } as const;

/** A stable uuid per kind and index, in creation order, so that runs compare. */
function simUuid(kind: keyof typeof UUID_PREFIX, index: number): string {
  return `${UUID_PREFIX[kind]}-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

/** A locally administered MAC per node. */
function macOf(index: number): string {
  const bytes = [0x02, 0x00, (index >>> 24) & 255, (index >>> 16) & 255, (index >>> 8) & 255, index & 255];
  return bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}

function links(publicUrl: string, path: string): JsonObject[] {
  return [
    { href: `${publicUrl}/v1/${path}`, rel: 'self' },
    { href: `${publicUrl}/${path}`, rel: 'bookmark' },
  ];
}

/**
 * An active node as `GET /v1/nodes/detail` shows it at API 1.82 to a caller allowed to see instance
 * secrets: one phy link with a static IPv4 (its loopback address) in `network_data`, the same address
 * in `instance_info.fixed_ips`, and a config drive.
 */
function activeNode(index: number, identity: NodeIdentity, mac: string, configdrive: string, publicUrl: string): JsonObject {
  const { uuid, name, instanceUuid, address } = identity;
  return {
    uuid,
    name,
    instance_uuid: instanceUuid,
    chassis_uuid: null,
    driver: 'ipmi',
    driver_info: {
      ipmi_address: `bmc-${name}.oob.invalid`,
      ipmi_username: 'admin',
      ipmi_password: '******',
      deploy_kernel: 'http://127.0.0.1:8088/ipa.kernel',
      deploy_ramdisk: 'http://127.0.0.1:8088/ipa.initramfs',
    },
    driver_internal_info: {
      deploy_boot_mode: 'uefi',
      is_whole_disk_image: true,
      last_power_state_change: DEPLOYED_AT,
      agent_version: '9.4.1',
      agent_last_heartbeat: DEPLOYED_AT,
      root_uuid_or_disk_id: `0x${(index + 0x1000).toString(16)}`,
    },
    extra: {},
    instance_info: {
      image_source: 'http://127.0.0.1:8088/images/ubuntu-22.04.qcow2',
      image_disk_format: 'qcow2',
      image_os_hash_algo: 'sha512',
      image_os_hash_value: 'f'.repeat(128),
      root_gb: '100',
      swap_mb: '0',
      capabilities: { boot_mode: 'uefi' },
      fixed_ips: [{ ip_address: address }],
      configdrive,
    },
    properties: {
      cpus: 64,
      memory_mb: 524288,
      local_gb: 1788,
      cpu_arch: 'x86_64',
      capabilities: 'boot_mode:uefi,cpu_vt:true',
      root_device: { serial: `S4EVNX0R${String(index).padStart(7, '0')}` },
    },
    network_data: {
      links: [{ id: 'eth0', type: 'phy', ethernet_mac_address: mac, mtu: 9000 }],
      networks: [
        {
          id: 'fleet',
          type: 'ipv4',
          link: 'eth0',
          ip_address: address,
          netmask: '255.0.0.0',
          routes: [{ network: '0.0.0.0', netmask: '0.0.0.0', gateway: '127.0.0.1' }],
          network_id: 'fleet',
        },
      ],
      services: [{ type: 'dns', address: '127.0.0.53' }],
    },
    provision_state: 'active',
    provision_updated_at: DEPLOYED_AT,
    target_provision_state: null,
    power_state: 'power on',
    target_power_state: null,
    maintenance: false,
    maintenance_reason: null,
    fault: null,
    last_error: null,
    reservation: null,
    console_enabled: false,
    inspection_started_at: null,
    inspection_finished_at: null,
    clean_step: {},
    deploy_step: {},
    raid_config: {},
    target_raid_config: {},
    resource_class: 'baremetal',
    conductor_group: '',
    conductor: 'sim-conductor',
    owner: null,
    lessee: null,
    description: null,
    allocation_uuid: null,
    retired: false,
    retired_reason: null,
    protected: false,
    protected_reason: null,
    automated_clean: null,
    boot_mode: 'uefi',
    secure_boot: null,
    shard: null,
    traits: [],
    bios_interface: 'no-bios',
    boot_interface: 'ipxe',
    console_interface: 'no-console',
    deploy_interface: 'direct',
    inspect_interface: 'no-inspect',
    management_interface: 'ipmitool',
    network_interface: 'noop',
    power_interface: 'ipmitool',
    raid_interface: 'no-raid',
    rescue_interface: 'no-rescue',
    storage_interface: 'noop',
    vendor_interface: 'ipmitool',
    created_at: CREATED_AT,
    updated_at: DEPLOYED_AT,
    links: links(publicUrl, `nodes/${uuid}`),
    ports: links(publicUrl, `nodes/${uuid}/ports`),
    portgroups: links(publicUrl, `nodes/${uuid}/portgroups`),
    states: links(publicUrl, `nodes/${uuid}/states`),
    volume: links(publicUrl, `nodes/${uuid}/volume`),
  };
}

function portOf(index: number, nodeUuid: string, mac: string, publicUrl: string): JsonObject {
  const uuid = simUuid('port', index);
  return {
    uuid,
    address: mac,
    node_uuid: nodeUuid,
    portgroup_uuid: null,
    pxe_enabled: true,
    physical_network: 'physnet1',
    local_link_connection: {
      switch_id: '0a:00:00:00:00:01',
      port_id: `Ethernet${(index % 48) + 1}`,
      switch_info: `tor-${Math.floor(index / 48)}`,
    },
    internal_info: {},
    is_smartnic: false,
    extra: {},
    created_at: CREATED_AT,
    updated_at: null,
    links: links(publicUrl, `ports/${uuid}`),
  };
}

/** `options.nodes` active nodes, one port each, no portgroups; node i asks from `nodeAddress(i)`. */
export function buildFleet(options: FleetOptions): Fleet {
  const drives = buildConfigDriveVariants(options.driveVariants);
  const fleet: Fleet = { nodes: [], ports: [], portgroups: [], identities: [] };
  for (let index = 0; index < options.nodes; index++) {
    const identity = {
      uuid: simUuid('node', index),
      name: `node-${String(index).padStart(6, '0')}`,
      instanceUuid: simUuid('instance', index),
      address: nodeAddress(index),
    };
    const mac = macOf(index);
    fleet.identities.push(identity);
    fleet.nodes.push(activeNode(index, identity, mac, drives[index % drives.length], options.publicUrl));
    fleet.ports.push(portOf(index, identity.uuid, mac, options.publicUrl));
  }
  return fleet;
}
