import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { outageAfter, startClientLoop, type Sample } from './support/client-loop';
import { runAdvanced, runScript, VALIDATE } from './support/deploy-scripts';
import { curlIn } from './support/http-in-namespace';
import { startServerIn, type NamespacedServer } from './support/namespaced-server';
import { NetworkLab } from './support/network-lab';
import { writeInventory, type TestNode } from './support/test-inventory';
import { waitUntil } from './support/wait';

/** The namespace's link-local IPv6 address on eth0, once duplicate address detection let it be used. */
async function linkLocalAddress(lab: NetworkLab, ns: string): Promise<string> {
  let address = '';
  await waitUntil(
    `a usable link-local address in ${ns}`,
    async () => {
      const shown = await lab.must('ip', ['-n', ns, '-6', '-o', 'addr', 'show', 'dev', 'eth0', 'scope', 'link', '-tentative']);
      address = /inet6 (fe80::[0-9a-f:]+)\//.exec(shown)?.[1] ?? '';
      return address !== '';
    },
    5_000,
  );
  return address;
}

const VIP = '169.254.169.254';
const VIP6 = 'fe80::a9fe:a9fe';
const CLIENT = '10.200.3.10';
// A node asking every 100 ms, giving up on each request after 400 ms.
const LOOP = { intervalMs: 100, timeoutMs: 400, maxMs: 30_000 };
const REPLICAS = { primary: { address: '10.200.3.11', priority: '150' }, standby: { address: '10.200.3.12', priority: '100' } };

// Two replicas on the nodes' segment, keepalived holding 169.254.169.254 on the healthy one with the
// higher priority. The primary's machine dies while a node keeps asking: the address moves, and the
// node's requests are answered again within seconds, still identified by its own address.
describe('keepalived: the metadata address fails over between two replicas', () => {
  let lab: NetworkLab;
  let client: string;
  let primary: string;
  let standby: string;
  let node: TestNode;
  let serverEnv: Record<string, string>;
  let clientLinkLocal: string;
  const servers: NamespacedServer[] = [];

  beforeAll(async () => {
    lab = await NetworkLab.create();
    const segment = await lab.namespace('segment');
    [client, primary, standby] = [await lab.namespace('client'), await lab.namespace('primary'), await lab.namespace('standby')];
    await lab.segment(segment, [
      { ns: client, iface: 'eth0', addresses: [`${CLIENT}/24`] },
      { ns: primary, iface: 'eth0', addresses: [`${REPLICAS.primary.address}/24`] },
      { ns: standby, iface: 'eth0', addresses: [`${REPLICAS.standby.address}/24`] },
    ]);
    // As on a node with the link-local route: the address is asked for on the segment itself.
    await lab.route(client, `${VIP}/32`, 'dev', 'eth0');
    // Over IPv6 the node asks from its own link-local address, which it must be known by.
    clientLinkLocal = await linkLocalAddress(lab, client);
    [node] = writeInventory(join(lab.dir, 'inventory.json'), [{ name: 'vrrp-node', ip: CLIENT, moreIps: [clientLinkLocal] }]);
    // Every replica listens on both addresses, whether it holds them now or not.
    serverEnv = { INVENTORY_FILE: join(lab.dir, 'inventory.json'), BIND_ADDR: `${VIP},${VIP6}%eth0`, BIND_PORT: '80' };

    for (const [ns, replica] of [
      [primary, REPLICAS.primary],
      [standby, REPLICAS.standby],
    ] as const) {
      const dir = join(lab.dir, ns);
      // keepalived first: it lets the replica bind the address it does not hold (ip_nonlocal_bind).
      const setup = await runAdvanced(lab, ns, dir, ['keepalived', 'eth0', replica.priority, 'imdtest']);
      if (setup.code !== 0) throw new Error(`keepalived setup in ${ns} failed:\n${setup.stderr}`);
      servers.push(await startServerIn(ns, serverEnv));
    }
    // keepalived starts as backup and claims the address after three silent advertisement intervals.
    await waitUntil('the primary holds the address', () => lab.holds(primary, VIP), 15_000);
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await lab?.destroy();
  });

  it('serves the node from the primary while it is healthy', async () => {
    expect(await lab.holds(standby, VIP)).toBe(false);
    const reply = await curlIn(lab, client, `http://${VIP}/latest/meta-data/instance-id`);
    expect(reply).toEqual({ status: 200, body: node.instanceUuid });
    await servers[0].sawRequestFrom(CLIENT);
  });

  it('serves the node on fe80::a9fe:a9fe too, seen from its link-local address', async () => {
    await waitUntil('the primary holds the IPv6 address', () => lab.holds(primary, VIP6), 5_000);
    const reply = await curlIn(lab, client, `http://[${VIP6}%eth0]/latest/meta-data/instance-id`);
    expect(reply).toEqual({ status: 200, body: node.instanceUuid });
    await servers[0].sawRequestFrom(clientLinkLocal);
    const validation = await runScript(lab, client, VALIDATE, ['--quick', '--ipv6-iface', 'eth0']);
    expect(validation.stdout).toMatch(/PASS {2}IPv6 fe80::a9fe:a9fe answers/);
    expect(validation.code).toBe(0);
  });

  it('gives the address up when its service fails /healthz, and takes it back once healthy again', async () => {
    // keepalived itself stays up: only the health check on the admin port can tell.
    servers[0].kill();
    const failedAt = Date.now();
    const movedAt = await waitUntil('the standby holds the address', () => lab.holds(standby, VIP), 15_000);
    console.log(`keepalived health failover: the standby took the address ${movedAt - failedAt} ms after the primary's service died`);
    expect(await curlIn(lab, client, `http://${VIP}/latest/meta-data/instance-id`)).toEqual({ status: 200, body: node.instanceUuid });

    servers[0] = await startServerIn(primary, serverEnv);
    await waitUntil('the primary holds the address again', () => lab.holds(primary, VIP), 15_000);
    expect(await lab.holds(standby, VIP)).toBe(false);
  });

  it('moves the address to the standby within seconds when the primary dies, and the node is answered again', async () => {
    const loop = startClientLoop(client, `http://${VIP}/latest/meta-data/instance-id`, LOOP);
    const answered = (sample: Sample) => sample.status === 200 && sample.body === node.instanceUuid;
    try {
      await waitUntil('the loop is answered', () => loop.samples().some(answered), 5_000);
      const standbyRequestsBefore = servers[1].clientIps().length;
      // The machine dies: its link goes dark first, so that no farewell advertisement (priority 0,
      // which a stopping keepalived sends) gets out, then its keepalived and service stop. It is dead
      // once the link is down: a request sent while `ip` was starting may still get the primary's
      // answer, which is not the standby answering (on a loaded machine one did, and the wait below
      // ended before the address moved).
      await lab.must('ip', ['-n', primary, 'link', 'set', 'eth0', 'down']);
      const diedAt = Date.now();
      await lab.killProcessesIn(primary);
      const movedAt = await waitUntil('the standby holds the address', () => lab.holds(standby, VIP), 10_000, 50);
      await waitUntil(
        'the node is answered again',
        () => loop.samples().some((sample) => sample.t > diedAt && answered(sample)),
        10_000,
        50,
      );
      // A few more requests, to see the standby keeps serving.
      const samplesSoFar = loop.samples().length;
      await waitUntil('five more requests', () => loop.samples().length >= samplesSoFar + 5, 5_000, 50);
      const samples = await loop.stop();

      const outage = outageAfter(samples, diedAt, answered);
      console.log(
        `keepalived failover: address moved after ${movedAt - diedAt} ms; node answered again after ${outage.recoveryMs} ms; ` +
          `${outage.failedRequests} of ${samples.length} requests failed (one every ${LOOP.intervalMs} ms, ${LOOP.timeoutMs} ms timeout)`,
      );
      expect(movedAt - diedAt).toBeLessThan(10_000);
      expect(outage.recoveryMs).toBeLessThan(10_000);
      expect(samples.slice(-5).every(answered)).toBe(true);
      // The standby saw the node's own address, and nothing in between.
      await servers[1].sawRequestFrom(CLIENT);
      const seenByStandby = servers[1].clientIps().slice(standbyRequestsBefore);
      expect(seenByStandby.length).toBeGreaterThan(0);
      expect(new Set(seenByStandby)).toEqual(new Set([CLIENT]));
    } finally {
      await loop.stop();
    }
  });

  it('wrote a keepalived configuration with the health check on the admin port', () => {
    const config = readFileSync(join(lab.dir, standby, 'keepalived.conf'), 'utf8');
    expect(config).toContain('http://127.0.0.1:9100/healthz');
    expect(config).toMatch(/virtual_ipaddress \{\s+169\.254\.169\.254\/32 dev eth0/);
    expect(config).toMatch(/fe80::a9fe:a9fe\/64 dev eth0/);
  });
});
