import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { startServerIn, type NamespacedServer } from '../../networking/support/namespaced-server';
import { NetworkLab } from '../../networking/support/network-lab';
import { writeInventory } from '../../networking/support/test-inventory';

/**
 * The node lab's network: a service namespace holding the metadata address the clients hard-code, and
 * a node namespace on a /24 of its own that reaches it through the service's address there, as a node
 * reaches a metadata service through its router.
 */
export const NODE_NET = {
  metadata: '169.254.169.254',
  service: '10.231.0.1',
  node: '10.231.0.10',
  prefixLength: 24,
  /** The node's NIC in both namespaces; its MAC is the one the node's network data names. */
  iface: 'cl-eth0',
  nodeMac: '02:c1:00:00:00:10',
} as const;

/** The instance the node in the lab is: what every client there must read back. */
export interface TestInstance {
  uuid: string;
  name: string;
  /** `meta_data.json` `hostname` and EC2's `hostname` / `local-hostname`. */
  hostname: string;
  ip: string;
  mac: string;
  availabilityZone: string;
  /** The service's `REGION`: what botocore also derives from the zone (its last character dropped). */
  region: string;
  imageSource: string;
  keyName: string;
  publicKey: string;
  /** The user data: an Ignition config, so that Ignition has something to fetch and the others bytes to compare. */
  ignitionConfig: { ignition: { version: string }; storage: { files: { path: string; contents: { source: string } }[] } };
  userData: string;
}

function testInstance(): TestInstance {
  const ignitionConfig = {
    ignition: { version: '3.3.0' },
    storage: { files: [{ path: '/etc/motd', contents: { source: 'data:,provisioned%20by%20ironic-metadata%0A' } }] },
  };
  return {
    uuid: randomUUID(),
    name: 'cl-node',
    hostname: 'cl-node.test',
    ip: NODE_NET.node,
    mac: NODE_NET.nodeMac,
    availabilityZone: 'eu-west-1a',
    region: 'eu-west-1',
    imageSource: 'http://images.invalid/fedora-coreos.qcow2',
    keyName: 'ops',
    publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ0n9rBV0I0yJm1pQPmX5c1vY7c4hM9kqkq3T2x1Zq7M ops@bastion',
    ignitionConfig,
    userData: JSON.stringify(ignitionConfig),
  };
}

/** A built node lab: the namespaces, the server in the service namespace, and the node's instance. */
export interface NodeLab {
  lab: NetworkLab;
  /** The node's namespace, where the clients run. */
  node: string;
  service: string;
  server: NamespacedServer;
  instance: TestInstance;
}

/**
 * Builds the lab and starts the built server in the service namespace on `169.254.169.254:80` with an
 * inventory of one active node (the node namespace's address; its instance's config drive) and `env`.
 */
export async function buildNodeLab(lab: NetworkLab, env: Record<string, string>): Promise<NodeLab> {
  const [service, node] = [await lab.namespace('svc'), await lab.namespace('node')];
  await lab.link(
    { ns: service, iface: NODE_NET.iface, addresses: [`${NODE_NET.service}/${NODE_NET.prefixLength}`, `${NODE_NET.metadata}/32`] },
    { ns: node, iface: NODE_NET.iface, addresses: [`${NODE_NET.node}/${NODE_NET.prefixLength}`], mac: NODE_NET.nodeMac },
  );
  await lab.route(node, `${NODE_NET.metadata}/32`, 'via', NODE_NET.service);

  const instance = testInstance();
  const inventory = join(lab.dir, 'inventory.json');
  writeInventory(inventory, [
    { name: instance.name, ip: instance.ip, instanceUuid: instance.uuid, instanceInfo: instanceInfoOf(instance) },
  ]);
  const server = await startServerIn(service, {
    INVENTORY_FILE: inventory,
    BIND_ADDR: NODE_NET.metadata,
    BIND_PORT: '80',
    REGION: instance.region,
    ...env,
  });
  return { lab, node, service, server, instance };
}

/** The `instance_info` Ironic holds for the instance: a JSON config drive, as Nova or an operator writes it. */
function instanceInfoOf(instance: TestInstance): Record<string, unknown> {
  return {
    image_source: instance.imageSource,
    configdrive: {
      meta_data: {
        uuid: instance.uuid,
        name: instance.name,
        hostname: instance.hostname,
        availability_zone: instance.availabilityZone,
        public_keys: { [instance.keyName]: instance.publicKey },
      },
      user_data: instance.userData,
      network_data: {
        links: [{ id: NODE_NET.iface, type: 'phy', ethernet_mac_address: instance.mac, mtu: 1500 }],
        networks: [
          {
            id: 'provisioning',
            type: 'ipv4',
            link: NODE_NET.iface,
            ip_address: instance.ip,
            netmask: '255.255.255.0',
            network_id: 'provisioning',
          },
        ],
        services: [],
      },
    },
  };
}

/**
 * A node lab for the tests of one file: built before them (one server start), torn down after, also
 * when they fail. Namespaces are named `cl-<random>-svc` and `cl-<random>-node`.
 */
export function useNodeLab(env: Record<string, string>): { readonly nodeLab: NodeLab } {
  let lab: NetworkLab | undefined;
  let built: NodeLab | undefined;
  beforeAll(async () => {
    lab = await NetworkLab.create('cl');
    built = await buildNodeLab(lab, env);
  });
  afterAll(async () => {
    await built?.server.stop();
    await lab?.destroy();
  });
  return {
    get nodeLab() {
      if (built === undefined) throw new Error('the node lab is not built: its beforeAll failed');
      return built;
    },
  };
}
