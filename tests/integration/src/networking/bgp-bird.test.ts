import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAdvanced } from './support/deploy-scripts';
import { curlIn } from './support/http-in-namespace';
import { startServerIn, type NamespacedServer } from './support/namespaced-server';
import { cleanEnv, NetworkLab } from './support/network-lab';
import { writeInventory, type TestNode } from './support/test-inventory';
import { waitUntil } from './support/wait';

const VIP = '169.254.169.254';
const CLIENT = '10.200.8.10';
const ROUTER = { clientSide: '10.200.8.1', peering: '10.200.7.1', as: '65000' };
const REPLICA = { address: '10.200.7.2', as: '65001' };

/** The upstream router's side of the session: it learns the anycast route into its kernel table. */
const routerBirdConfig = `
log stderr all;
router id ${ROUTER.peering};
protocol device { scan time 10; }
protocol kernel { ipv4 { import none; export all; }; }
protocol bgp replica {
  local as ${ROUTER.as};
  neighbor ${REPLICA.address} as ${REPLICA.as};
  connect delay time 1;
  connect retry time 1;
  ipv4 { import all; export none; };
}
`;

// A replica announces 169.254.169.254/32 by BGP to the nodes' router (anycast: every replica would).
// The router learns the route, a node behind it is answered with its own address, and taking the
// address off the replica's lo withdraws the route.
describe('bgp-bird: the metadata address announced by BGP', () => {
  let lab: NetworkLab;
  let client: string;
  let router: string;
  let replica: string;
  let node: TestNode;
  let server: NamespacedServer;
  let birdStartedAt: number;
  const replicaDir = () => join(lab.dir, 'replica');

  beforeAll(async () => {
    lab = await NetworkLab.create();
    [client, router, replica] = [await lab.namespace('client'), await lab.namespace('router'), await lab.namespace('replica')];
    await lab.link(
      { ns: client, iface: 'eth0', addresses: [`${CLIENT}/24`] },
      { ns: router, iface: 'to-client', addresses: [`${ROUTER.clientSide}/24`] },
    );
    await lab.link(
      { ns: replica, iface: 'eth0', addresses: [`${REPLICA.address}/24`] },
      { ns: router, iface: 'to-replica', addresses: [`${ROUTER.peering}/24`] },
    );
    await lab.route(client, 'default', 'via', ROUTER.clientSide);
    await lab.route(replica, 'default', 'via', ROUTER.peering);
    await lab.must('ip', ['netns', 'exec', router, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);

    const routerConfig = join(lab.dir, 'router-bird.conf');
    writeFileSync(routerConfig, routerBirdConfig);
    // Lives until the lab kills every process of the router's namespace.
    spawn('ip', ['netns', 'exec', router, 'bird', '-f', '-c', routerConfig, '-s', join(lab.dir, 'router-bird.ctl')], {
      env: cleanEnv(),
      stdio: 'ignore',
    });

    birdStartedAt = Date.now();
    const setup = await runAdvanced(lab, replica, replicaDir(), ['bgp-bird', REPLICA.address, REPLICA.as, ROUTER.peering, ROUTER.as]);
    if (setup.code !== 0) throw new Error(`bgp-bird failed:\n${setup.stderr}`);
    [node] = writeInventory(join(lab.dir, 'inventory.json'), [{ name: 'anycast-node', ip: CLIENT }]);
    server = await startServerIn(replica, { INVENTORY_FILE: join(lab.dir, 'inventory.json'), BIND_ADDR: VIP, BIND_PORT: '80' });
  });
  afterAll(async () => {
    await server?.stop();
    await lab?.destroy();
  });

  const routerRoute = async () => (await lab.must('ip', ['-n', router, 'route', 'show', `${VIP}/32`])).trim();

  it('writes a configuration that `bird -p` accepts', async () => {
    const check = await lab.exec(replica, 'bird', ['-p', '-c', join(replicaDir(), 'bird.conf')]);
    expect(check).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(join(replicaDir(), 'bird.conf'), 'utf8')).toMatch(/if net = 169\.254\.169\.254\/32 then accept;/);
  });

  it('announces the address to the router, which routes a node to the replica with its source intact', async () => {
    await waitUntil('the router learns the route', async () => (await routerRoute()).includes(`via ${REPLICA.address}`), 20_000, 200);
    console.log(
      `bgp-bird: the router learned ${VIP}/32 within ${Date.now() - birdStartedAt} ms of bgp-bird starting BIRD: ${await routerRoute()}`,
    );
    expect(await routerRoute()).toMatch(/proto bird/);

    const reply = await curlIn(lab, client, `http://${VIP}/latest/meta-data/instance-id`);
    expect(reply).toEqual({ status: 200, body: node.instanceUuid });
    await server.sawRequestFrom(CLIENT);
    expect(server.clientIps()).toEqual([CLIENT]);
  });

  it('changes nothing when run again', async () => {
    const pidBefore = readFileSync(join(replicaDir(), 'bird.pid'), 'utf8');
    const again = await runAdvanced(lab, replica, replicaDir(), ['bgp-bird', REPLICA.address, REPLICA.as, ROUTER.peering, ROUTER.as]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/bird\.conf is up to date/);
    expect(again.stderr).toMatch(/address 169\.254\.169\.254\/32 is already on lo/);
    expect(readFileSync(join(replicaDir(), 'bird.pid'), 'utf8')).toBe(pidBefore);
  });

  it('withdraws the route when the address leaves the replica', async () => {
    await lab.must('ip', ['-n', replica, 'addr', 'del', `${VIP}/32`, 'dev', 'lo']);
    const started = Date.now();
    await waitUntil('the router forgets the route', async () => (await routerRoute()) === '', 10_000, 200);
    console.log(`bgp-bird: the route was withdrawn ${Date.now() - started} ms after the address left lo`);
  });
});
