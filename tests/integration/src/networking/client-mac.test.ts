import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { curlIn } from './support/http-in-namespace';
import { startServerIn, type NamespacedServer } from './support/namespaced-server';
import { WORKSPACE } from '../support/processes';
import { cleanEnv, NetworkLab } from './support/network-lab';

const SERVICE = '10.77.0.1';
const NODES = [
  { name: 'gd-node-1', ip: '10.77.0.11', mac: '02:00:00:77:00:11', uuid: randomUUID(), instanceUuid: randomUUID() },
  { name: 'gd-node-2', ip: '10.77.0.12', mac: '02:00:00:77:00:12', uuid: randomUUID(), instanceUuid: randomUUID() },
];

// Two nodes and the service on one bridge, as on the provisioning network of the macvlan deployment:
// the service's neighbour table sees each node's MAC.
describe('VERIFY_CLIENT_MAC: an address taken by another machine gets nothing', () => {
  let lab: NetworkLab;
  let server: NamespacedServer;
  const ns: Record<string, string> = {};
  let env: Record<string, string> = {};

  beforeAll(async () => {
    lab = await NetworkLab.create('gd');
    for (const role of ['sw', 'svc', 'n1', 'n2']) ns[role] = await lab.namespace(role);
    await lab.segment(ns['sw'], [
      { ns: ns['svc'], iface: 'eth0', addresses: [`${SERVICE}/24`] },
      { ns: ns['n1'], iface: 'eth0', addresses: [`${NODES[0].ip}/24`], mac: NODES[0].mac },
      { ns: ns['n2'], iface: 'eth0', addresses: [`${NODES[1].ip}/24`], mac: NODES[1].mac },
    ]);
    const inventory = join(lab.dir, 'inventory.json');
    writeFileSync(
      inventory,
      JSON.stringify({
        nodes: NODES.map((node) => ({
          uuid: node.uuid,
          name: node.name,
          provision_state: 'active',
          instance_uuid: node.instanceUuid,
          instance_info: { fixed_ips: [node.ip] },
        })),
        ports: NODES.map((node) => ({ uuid: randomUUID(), address: node.mac, node_uuid: node.uuid })),
        portgroups: [],
      }),
    );
    env = { INVENTORY_FILE: inventory, BIND_ADDR: SERVICE, BIND_PORT: '80', VERIFY_CLIENT_MAC: 'true', LEASE_FILE: '/nonexistent' };
    server = await startServerIn(ns['svc'], env);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await lab?.destroy();
  });

  const ask = (role: string) => curlIn(lab, ns[role], `http://${SERVICE}/openstack/latest/meta_data.json`);

  it('answers each node from its own MAC', async () => {
    for (const [i, role] of ['n1', 'n2'].entries()) {
      const reply = await ask(role);
      expect(`${reply.status} ${reply.body}`).toMatch(/^200 /);
      expect(JSON.parse(reply.body)).toMatchObject({ uuid: NODES[i].instanceUuid });
    }
  });

  it("doctor finds the service on the nodes' segment, and not from a namespace off it", async () => {
    const doctor = async (role: string) => {
      const exit = await lab.exec(ns[role], process.execPath, [join(WORKSPACE, 'dist/apps/cli/main.js'), 'doctor', '--json'], {
        env: cleanEnv(env),
      });
      return (JSON.parse(exit.stdout) as { checks: { id: string; status: string; detail: string }[] }).checks.find(
        (check) => check.id === 'client-mac',
      );
    };
    expect(await doctor('svc')).toMatchObject({ status: 'pass' });
    expect(await doctor('sw')).toMatchObject({ status: 'fail' });
  });

  it("refuses node 2 once it takes node 1's address, with a log line naming both", async () => {
    await lab.must('ip', ['-n', ns['n2'], 'addr', 'del', `${NODES[1].ip}/24`, 'dev', 'eth0']);
    await lab.must('ip', ['-n', ns['n2'], 'addr', 'add', `${NODES[0].ip}/24`, 'dev', 'eth0']);
    // Node 2 asks the segment for the service's MAC from its new address, so the service's kernel now
    // holds node 2's MAC for 10.77.0.11 and answers it: only the MAC check stands in the way.
    await lab.must('ip', ['-n', ns['n2'], 'neigh', 'flush', 'all']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stolen = await ask('n2');
    expect(stolen.status).toBe(403);
    expect(stolen.body).toContain(
      `${NODES[0].ip} belongs to node ${NODES[0].uuid} (${NODES[0].name}), but this request came from MAC ${NODES[1].mac}, which is not one of its ports`,
    );
    expect(stolen.body).not.toContain(NODES[0].instanceUuid);
    expect(server.logs()).toContain(
      `VERIFY_CLIENT_MAC: ${NODES[0].ip} is node ${NODES[0].uuid} (${NODES[0].name})'s address but came from ${NODES[1].mac}, a port of node ${NODES[1].uuid} (${NODES[1].name}): refused`,
    );
  });
});
