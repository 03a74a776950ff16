import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { outageAfter, startClientLoop, type Sample } from './support/client-loop';
import { ADVANCED, runAdvanced } from './support/deploy-scripts';
import { curlIn } from './support/http-in-namespace';
import { startServerIn, type NamespacedServer } from './support/namespaced-server';
import { cleanEnv, NetworkLab } from './support/network-lab';
import { writeInventory, type TestNode } from './support/test-inventory';
import { sleep, waitUntil } from './support/wait';

const VIP = '169.254.169.254';
const CLIENTS = ['10.200.4.10', '10.200.4.20'];
const LB_CLIENT_SIDE = '10.200.4.1';
// Each replica on its own link to the load balancer: [replica address, the balancer's address there].
const REPLICAS = [
  { address: '10.200.5.11', balancer: '10.200.5.1' },
  { address: '10.200.6.12', balancer: '10.200.6.1' },
];
const LOOP = { intervalMs: 100, timeoutMs: 1_000, maxMs: 30_000 };

// HAProxy in front of two replicas: it passes each node's address in X-Forwarded-For, the replicas
// believe it because the balancer is their trusted proxy, and health checks ask /healthz on the admin
// port. One replica dies while a node keeps asking.
describe('haproxy: two replicas behind a balancer that passes the client address', () => {
  let lab: NetworkLab;
  let client: string;
  let balancer: string;
  let nodes: TestNode[];
  const servers: NamespacedServer[] = [];

  beforeAll(async () => {
    lab = await NetworkLab.create();
    [client, balancer] = [await lab.namespace('client'), await lab.namespace('balancer')];
    await lab.link({ ns: client, iface: 'eth0', addresses: CLIENTS.map((ip) => `${ip}/24`) }, { ns: balancer, iface: 'to-clients', addresses: [`${LB_CLIENT_SIDE}/24`] });
    await lab.route(client, `${VIP}/32`, 'via', LB_CLIENT_SIDE);
    // The balancer holds the address (keepalived would, on a pair of balancers).
    await lab.must('ip', ['-n', balancer, 'addr', 'add', `${VIP}/32`, 'dev', 'lo']);
    nodes = writeInventory(join(lab.dir, 'inventory.json'), CLIENTS.map((ip, i) => ({ name: `lb-node-${i}`, ip })));

    for (const [index, replica] of REPLICAS.entries()) {
      const ns = await lab.namespace(`replica${index}`);
      await lab.link({ ns, iface: 'eth0', addresses: [`${replica.address}/24`] }, { ns: balancer, iface: `to-replica${index}`, addresses: [`${replica.balancer}/24`] });
      servers.push(
        await startServerIn(ns, {
          INVENTORY_FILE: join(lab.dir, 'inventory.json'),
          BIND_ADDR: replica.address,
          BIND_PORT: '80',
          // The balancer's health checks come from outside, so the admin listener is on this address.
          ADMIN_BIND_ADDR: replica.address,
          TRUSTED_PROXIES: `${replica.balancer}/32`,
        }),
      );
    }
    const backends = REPLICAS.map((replica) => `${replica.address}:80`).join(',');
    const setup = await runAdvanced(lab, balancer, join(lab.dir, 'balancer'), ['haproxy', backends]);
    if (setup.code !== 0) throw new Error(`haproxy setup failed:\n${setup.stderr}`);
    // Both replicas serve once their health checks have passed.
    await waitUntil(
      'both replicas answer through the balancer',
      async () => {
        await curlIn(lab, client, `http://${VIP}/`);
        return servers.every((server) => server.clientIps().length > 0);
      },
      10_000,
    );
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await lab?.destroy();
  });

  it('tells each node apart by its own address, passed by the balancer', async () => {
    for (const node of nodes) {
      const reply = await curlIn(lab, client, `http://${VIP}/latest/meta-data/instance-id`, { from: node.ip });
      expect(reply).toEqual({ status: 200, body: node.instanceUuid });
    }
    await waitUntil("both nodes in the replicas' logs", () => CLIENTS.every((ip) => servers.some((server) => server.clientIps().includes(ip))), 5_000, 20);
    const seen = servers.flatMap((server) => server.clientIps());
    expect(seen).not.toContain(REPLICAS[0].balancer);
    expect(seen).not.toContain(REPLICAS[1].balancer);
  });

  it('ignores what a node claims about itself in X-Forwarded-For and X-Real-IP', async () => {
    const [liar, victim] = nodes;
    const reply = await curlIn(lab, client, `http://${VIP}/latest/meta-data/instance-id`, {
      from: liar.ip,
      headers: { 'X-Forwarded-For': victim.ip, 'X-Real-IP': victim.ip },
    });
    expect(reply).toEqual({ status: 200, body: liar.instanceUuid });
  });

  it('`test` finds HAProxy configured and running, and the path to the service working', async () => {
    const dir = join(lab.dir, 'balancer');
    const result = await lab.exec(balancer, ADVANCED, ['--config-dir', dir, '--run-dir', dir, 'test'], { env: cleanEnv() });
    expect(result.stdout).toMatch(/PASS {2}HAProxy configuration/);
    expect(result.stdout).toMatch(/PASS {2}HAProxy running {2}\(pid \d+\)/);
    expect(result.stdout).toMatch(/SKIP {2}keepalived configuration/);
    expect(result.stdout).toMatch(/PASS {2}metadata answers/);
    expect(result.stdout).not.toMatch(/^FAIL/m);
    expect(result.code).toBe(0);
  });

  it('keeps answering when a replica dies', async () => {
    const [node] = nodes;
    const answered = (sample: Sample) => sample.status === 200 && sample.body === node.instanceUuid;
    const loop = startClientLoop(client, `http://${VIP}/latest/meta-data/instance-id`, LOOP);
    try {
      await waitUntil('the loop is answered', () => loop.samples().some(answered), 5_000);
      const diedAt = Date.now();
      servers[0].kill();
      // Long enough for the health checks (every second, down after two failures) to take it out.
      await sleep(4_000);
      const samples = await loop.stop();
      const outage = outageAfter(samples, diedAt, answered);
      const afterDeath = samples.filter((sample) => sample.t >= diedAt);
      console.log(`haproxy failover: ${outage.failedRequests} of ${samples.length} requests failed; first answer after the death took ${outage.recoveryMs} ms`);
      // A refused connection is retried on the other replica: the node never notices.
      expect(outage.failedRequests).toBe(0);
      expect(afterDeath.length).toBeGreaterThan(10);
      expect(afterDeath.every(answered)).toBe(true);
    } finally {
      await loop.stop();
    }
  });

  it('health-checks /healthz on the admin port and forwards the client address', () => {
    const config = readFileSync(join(lab.dir, 'balancer', 'haproxy.cfg'), 'utf8');
    expect(config).toMatch(/http-check send meth GET uri \/healthz/);
    expect(config).toMatch(/default-server check port 9100/);
    expect(config).toMatch(/option forwardfor/);
  });
});
