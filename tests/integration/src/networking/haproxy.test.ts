import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
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
const AWS_CLIENT = join(__dirname, '../support/aws_imds_client.cjs');
const TOKEN_TTL = { 'X-aws-ec2-metadata-token-ttl-seconds': '21600' };

// HAProxy in front of two replicas: it passes each node's address in X-Forwarded-For, the replicas
// believe it because the balancer is their trusted proxy, and health checks ask /healthz on the admin
// port. The replicas share IMDS_TOKEN_KEY_FILE, so an IMDSv2 token from one is good on the other and
// after a restart. One replica dies while a node keeps asking.
describe('haproxy: two replicas behind a balancer that passes the client address', () => {
  let lab: NetworkLab;
  let client: string;
  let balancer: string;
  let nodes: TestNode[];
  const servers: NamespacedServer[] = [];
  const replicaEnvs: Record<string, string>[] = [];

  beforeAll(async () => {
    lab = await NetworkLab.create();
    [client, balancer] = [await lab.namespace('client'), await lab.namespace('balancer')];
    await lab.link(
      { ns: client, iface: 'eth0', addresses: CLIENTS.map((ip) => `${ip}/24`) },
      { ns: balancer, iface: 'to-clients', addresses: [`${LB_CLIENT_SIDE}/24`] },
    );
    await lab.route(client, `${VIP}/32`, 'via', LB_CLIENT_SIDE);
    // The balancer holds the address (keepalived would, on a pair of balancers).
    await lab.must('ip', ['-n', balancer, 'addr', 'add', `${VIP}/32`, 'dev', 'lo']);
    nodes = writeInventory(
      join(lab.dir, 'inventory.json'),
      CLIENTS.map((ip, i) => ({ name: `lb-node-${i}`, ip })),
    );
    const keyFile = join(lab.dir, 'token-keys');
    writeFileSync(keyFile, `${randomBytes(48).toString('base64')}\n`, { mode: 0o400 });

    for (const [index, replica] of REPLICAS.entries()) {
      const ns = await lab.namespace(`replica${index}`);
      await lab.link(
        { ns, iface: 'eth0', addresses: [`${replica.address}/24`] },
        { ns: balancer, iface: `to-replica${index}`, addresses: [`${replica.balancer}/24`] },
      );
      replicaEnvs.push({
        INVENTORY_FILE: join(lab.dir, 'inventory.json'),
        BIND_ADDR: replica.address,
        BIND_PORT: '80',
        // The balancer's health checks come from outside, so the admin listener is on this address.
        ADMIN_BIND_ADDR: replica.address,
        TRUSTED_PROXIES: `${replica.balancer}/32`,
        IMDS_TOKEN_KEY_FILE: keyFile,
      });
      servers.push(await startServerIn(ns, replicaEnvs[index]));
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
    await waitUntil(
      "both nodes in the replicas' logs",
      () => CLIENTS.every((ip) => servers.some((server) => server.clientIps().includes(ip))),
      5_000,
      20,
    );
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

  /** A token for `node` through the balancer. */
  const tokenFor = async (node: TestNode, ttl = TOKEN_TTL) => {
    const reply = await curlIn(lab, client, `http://${VIP}/latest/api/token`, { method: 'PUT', from: node.ip, headers: ttl });
    expect(reply.status).toBe(200);
    return reply.body;
  };
  const instanceId = (node: TestNode, token: string, from = node.ip) =>
    curlIn(lab, client, `http://${VIP}/latest/meta-data/instance-id`, { from, headers: { 'X-aws-ec2-metadata-token': token } });
  /** Reads the tree with the AWS SDK (IMDSv1 off: a token for every read) from `node`'s address. */
  const awsSdk = async (node: TestNode) => {
    const paths = ['/latest/meta-data/instance-id', '/latest/meta-data/local-ipv4', '/latest/meta-data/hostname'];
    const exit = await lab.exec(client, process.execPath, [AWS_CLIENT, `http://${VIP}`, node.ip, ...paths]);
    if (exit.code !== 0) throw new Error(`the AWS SDK failed:\n${exit.stderr}`);
    return JSON.parse(exit.stdout) as Record<string, string>;
  };
  const requestsFrom = (server: NamespacedServer, node: TestNode, since = 0) =>
    server
      .requests()
      .slice(since)
      .filter((line) => line.clientIp === node.ip);

  it('gives the AWS SDK a token through the balancer and the tree, whichever replica answers', async () => {
    const [node] = nodes;
    const before = servers.map((server) => server.requests().length);
    for (let run = 0; run < 3; run++) {
      expect(await awsSdk(node)).toEqual({
        '/latest/meta-data/instance-id': node.instanceUuid,
        '/latest/meta-data/local-ipv4': node.ip,
        '/latest/meta-data/hostname': expect.any(String),
      });
    }
    await waitUntil(
      'both replicas logged the runs',
      () => servers.every((server, i) => requestsFrom(server, node, before[i]).length > 0),
      5_000,
      20,
    );
    const answered = servers.map((server, i) => requestsFrom(server, node, before[i]));
    console.log(
      `haproxy IMDSv2: ${answered.map((lines, i) => `replica ${i}: ${lines.map((line) => `${line.method} ${line.status}`).join(', ')}`).join('; ')}`,
    );
    expect(answered.flat().every((line) => line.status === 200)).toBe(true);
    expect(answered.flat().filter((line) => line.method === 'GET')).toHaveLength(9);
  });

  it('accepts one token on both replicas: the one that issued it and the other', async () => {
    const [node] = nodes;
    const token = await tokenFor(node);
    const before = servers.map((server) => server.requests().length);
    for (let i = 0; i < 4; i++) expect(await instanceId(node, token)).toEqual({ status: 200, body: node.instanceUuid });
    await waitUntil(
      'both replicas answered a GET with the token',
      () =>
        servers.every((server, i) => requestsFrom(server, node, before[i]).some((line) => line.method === 'GET' && line.status === 200)),
      5_000,
      20,
    );
  });

  it('refuses a token with a changed byte, from another address, or past its expiry, with 401', async () => {
    const [owner, other] = nodes;
    const token = await tokenFor(owner);
    // A byte of the signature: the shape stays valid, only the proof breaks.
    const at = token.length - 10;
    const changed = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    expect(await instanceId(owner, changed)).toMatchObject({ status: 401, body: expect.stringContaining('invalid or for another client') });
    expect(await instanceId(other, token, other.ip)).toMatchObject({
      status: 401,
      body: expect.stringContaining('invalid or for another client'),
    });
    const shortLived = await tokenFor(owner, { 'X-aws-ec2-metadata-token-ttl-seconds': '1' });
    await sleep(1_100);
    expect(await instanceId(owner, shortLived)).toMatchObject({ status: 401, body: expect.stringContaining('expired') });
    // Both replicas count what they refused.
    const counts = await Promise.all(REPLICAS.map((replica) => curlIn(lab, balancer, `http://${replica.address}:9100/metrics`)));
    const refused = counts.map((reply) => reply.body.match(/^metadata_bad_tokens_total\{reason="[a-z]+"\} (\d+)$/gm) ?? []).flat();
    expect(refused.length).toBeGreaterThan(0);
  });

  it('refuses a token to a node whose own X-Forwarded-For shows it relays someone, and to no one else', async () => {
    const [node] = nodes;
    const relayed = await curlIn(lab, client, `http://${VIP}/latest/api/token`, {
      method: 'PUT',
      from: node.ip,
      headers: { ...TOKEN_TTL, 'X-Forwarded-For': '172.16.9.9' },
    });
    expect(relayed).toMatchObject({ status: 403, body: expect.stringContaining('forwarded for someone else') });
    // Naming the balancer itself is the node's claim too, not a hop of the balancer's.
    const spoofed = await curlIn(lab, client, `http://${VIP}/latest/api/token`, {
      method: 'PUT',
      from: node.ip,
      headers: { ...TOKEN_TTL, 'X-Forwarded-For': REPLICAS[0].balancer },
    });
    expect(spoofed.status).toBe(403);
    await tokenFor(node);
  });

  it('keeps every token and every read through a replica restarted in the middle', async () => {
    const [node] = nodes;
    const token = await tokenFor(node);
    const restarted = (async () => {
      await servers[0].stop();
      servers[0] = await startServerIn(servers[0].ns, replicaEnvs[0]);
    })();
    // The SDK keeps reading while one replica goes and comes back.
    let runs = 0;
    let done = false;
    void restarted.finally(() => (done = true));
    while (!done) {
      expect((await awsSdk(node))['/latest/meta-data/instance-id']).toBe(node.instanceUuid);
      runs++;
    }
    await restarted;
    // Back in rotation once its health checks pass; then it accepts the token issued before it restarted.
    await waitUntil(
      'the restarted replica answers the token issued before its restart',
      async () => {
        expect(await instanceId(node, token)).toEqual({ status: 200, body: node.instanceUuid });
        return requestsFrom(servers[0], node).some((line) => line.method === 'GET' && line.status === 200);
      },
      10_000,
    );
    expect(requestsFrom(servers[0], node).every((line) => line.status === 200)).toBe(true);
    console.log(`haproxy IMDSv2: ${runs} AWS SDK runs during the restart, none failed`);
    expect(await awsSdk(node)).toMatchObject({ '/latest/meta-data/instance-id': node.instanceUuid });
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
      console.log(
        `haproxy failover: ${outage.failedRequests} of ${samples.length} requests failed; first answer after the death took ${outage.recoveryMs} ms`,
      );
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
