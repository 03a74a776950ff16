import { join } from 'node:path';
import { runAdvanced } from './deploy-scripts';
import { NetworkLab } from './network-lab';
import { startServerIn, type NamespacedServer } from './namespaced-server';
import { writeInventory, type TestNode } from './test-inventory';

/** The addresses of the NAT topology: a node's network and the service's network, one router between. */
export const NAT = {
  client: '10.200.1.10',
  routerClientSide: '10.200.1.1',
  routerServiceSide: '10.200.2.1',
  service: '10.200.2.10',
  adminPort: 9100,
} as const;

export interface NatTopology {
  client: string;
  router: string;
  service: string;
  server: NamespacedServer;
  node: TestNode;
  /** Where nat-routing keeps its files (the sysctl drop-in) in this lab. */
  configDir: string;
}

/**
 * client (10.200.1.10) -- router -- service (10.200.2.10): the service runs in its own namespace,
 * its replies route back through the router, and the router is set up by `nat-routing`. The node
 * in the inventory is the client's address, so an answer naming it proves the address survived.
 */
export async function buildNatTopology(lab: NetworkLab): Promise<NatTopology> {
  const [client, router, service] = [await lab.namespace('client'), await lab.namespace('router'), await lab.namespace('service')];
  await lab.link(
    { ns: client, iface: 'eth0', addresses: [`${NAT.client}/24`] },
    { ns: router, iface: 'to-client', addresses: [`${NAT.routerClientSide}/24`] },
  );
  await lab.link(
    { ns: service, iface: 'eth0', addresses: [`${NAT.service}/24`] },
    { ns: router, iface: 'to-service', addresses: [`${NAT.routerServiceSide}/24`] },
  );
  await lab.route(client, 'default', 'via', NAT.routerClientSide);
  await lab.route(service, 'default', 'via', NAT.routerServiceSide);

  const [node] = writeInventory(join(lab.dir, 'nat-inventory.json'), [{ name: 'nat-node', ip: NAT.client }]);
  const server = await startServerIn(service, {
    INVENTORY_FILE: join(lab.dir, 'nat-inventory.json'),
    BIND_ADDR: NAT.service,
    BIND_PORT: '80',
    // Reachable from the router, so that validate-networking.sh can ask it there.
    ADMIN_BIND_ADDR: NAT.service,
    ADMIN_BIND_PORT: String(NAT.adminPort),
  });
  const configDir = join(lab.dir, 'nat-router');
  const setup = await runAdvanced(lab, router, configDir, ['nat-routing', NAT.service]);
  if (setup.code !== 0) throw new Error(`nat-routing failed (${setup.code}):\n${setup.stdout}${setup.stderr}`);
  return { client, router, service, server, node, configDir };
}

/**
 * A lab with the NAT topology for the tests of one describe block: built before them, torn down after
 * (also when they fail). Read `lab` and `topology` inside the tests.
 */
export function useNatTopology(): { readonly lab: NetworkLab; readonly topology: NatTopology } {
  let lab: NetworkLab | undefined;
  let topology: NatTopology | undefined;
  beforeAll(async () => {
    lab = await NetworkLab.create();
    topology = await buildNatTopology(lab);
  });
  afterAll(async () => {
    await topology?.server.stop();
    await lab?.destroy();
  });
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`the NAT ${name} is not built: its beforeAll failed`);
    return value;
  };
  return {
    get lab() {
      return ready(lab, 'lab');
    },
    get topology() {
      return ready(topology, 'topology');
    },
  };
}
