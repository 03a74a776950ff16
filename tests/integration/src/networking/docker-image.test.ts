import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runToExit, WORKSPACE } from '../support/processes';
import { SETUP_NETWORK } from './support/deploy-scripts';
import { DockerDaemon, dockerUnavailable, nodeBaseImage } from './support/docker-daemon';
import { curlIn } from './support/http-in-namespace';
import { cleanEnv, NetworkLab } from './support/network-lab';
import { waitUntil } from './support/wait';

const unavailable = dockerUnavailable();
if (unavailable) process.stdout.write(`docker-image.test: the image and compose tests are skipped: ${unavailable}\n`);
const describeWithDocker = unavailable ? describe.skip : describe;

const IMAGE = 'dp-ironic-metadata:test';
const CA_CERTIFICATES = '/etc/ssl/certs/ca-certificates.crt';
const MAX_IMAGE_BYTES = 260e6;
const NODE_IP = '10.200.53.10';
const CLIENT_IP = '169.254.169.20';
// The compose client's MAC, so that its link-local address (EUI-64) is known before it starts.
const CLIENT_MAC = '02:42:a9:fe:00:14';
const CLIENT_LLA = 'fe80::42:a9ff:fefe:14';
const LLA = 'fe80::a9fe:a9fe';

/** A dynamic vendor data target that answers after 3 s: a request in flight while the service stops. */
const SLOW_TARGET = `
import http.server, time
class Slow(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        time.sleep(3)
        body = b'{"slow": true}'
        self.send_response(200); self.send_header('Content-Type', 'application/json'); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *args): pass
http.server.HTTPServer(('${NODE_IP}', 8000), Slow).serve_forever()
`;

/** The compose client: waits until no address of its own is tentative, then reads its meta_data.json over each address. */
const CLIENT_SCRIPT = `const tentative = () => require('fs').readFileSync('/proc/net/if_inet6', 'utf8').split('\\n').some((line) => line.trim() !== '' && (parseInt(line.trim().split(/\\s+/)[4], 16) & 0x40) !== 0); const settled = () => (tentative() ? new Promise((resolve) => setTimeout(resolve, 100)).then(settled) : Promise.resolve()); const get = (host) => new Promise((resolve, reject) => require('http').get({ host, path: '/openstack/latest/meta_data.json' }, (r) => { let b = ''; r.on('data', (c) => (b += c)); r.on('end', () => resolve(r.statusCode + ' ' + (r.statusCode === 200 ? JSON.parse(b).uuid : b))); }).on('error', reject)); settled().then(() => Promise.all([get('169.254.169.254'), get('${LLA}%eth0')])).then((a) => console.log(JSON.stringify(a)), (e) => { console.error(e.message); process.exit(1); });`;

const ms = (from: number) => Date.now() - from;

describeWithDocker('the image and compose, really run (deploy/docker/Dockerfile, deploy/docker-compose.yml)', () => {
  let lab: NetworkLab;
  let docker: DockerDaemon;
  let nodes: string;
  let parent: string;
  let inventory: string;
  const instances = { node: randomUUID(), client: randomUUID() };
  const timings: Record<string, string> = {};

  beforeAll(async () => {
    lab = await NetworkLab.create('dp');
    nodes = await lab.namespace('nodes');
    // No dummy interfaces on this kernel: the macvlan parent is one end of a veth pair, in the root
    // namespace where dockerd is, and the nodes' side of the provisioning network is the other end.
    parent = `${lab.prefix.replace('-', '')}p`;
    await lab.must('ip', ['link', 'add', parent, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', nodes]);
    await lab.must('ip', ['link', 'set', parent, 'up']);
    // The nodes' router holds METADATA_GATEWAY (169.254.169.1), as docs/DOCKER_DEPLOYMENT.md asks.
    for (const address of ['169.254.169.1/24', `${NODE_IP}/24`]) await lab.must('ip', ['-n', nodes, 'addr', 'add', address, 'dev', 'eth0']);
    await lab.must('ip', ['-n', nodes, 'link', 'set', 'eth0', 'up']);
    // Readable by the image's user (uid 10001); the lab's own directory is not.
    inventory = join(lab.dir, 'inventory');
    mkdirSync(inventory, { mode: 0o755 });
    writeFileSync(
      join(inventory, 'inventory.json'),
      JSON.stringify({
        nodes: [
          {
            uuid: randomUUID(),
            name: 'dp-node',
            provision_state: 'active',
            instance_uuid: instances.node,
            instance_info: { fixed_ips: [NODE_IP] },
          },
          {
            uuid: randomUUID(),
            name: 'dp-client',
            provision_state: 'active',
            instance_uuid: instances.client,
            instance_info: { fixed_ips: [CLIENT_IP, CLIENT_LLA] },
          },
        ],
        ports: [],
      }),
      { mode: 0o644 },
    );

    docker = await DockerDaemon.start();
    let started = Date.now();
    const base = await nodeBaseImage(docker);
    timings['base image'] = `${base.image}, ${base.how}, ${ms(started)} ms`;
    started = Date.now();
    const build = await docker.run(
      [
        'build',
        '--network',
        'host',
        '--secret',
        `id=ca_certificates,src=${CA_CERTIFICATES}`,
        '--build-arg',
        `NODE_IMAGE=${base.image}`,
        '-f',
        join(WORKSPACE, 'deploy/docker/Dockerfile'),
        '-t',
        IMAGE,
        WORKSPACE,
      ],
      1_200_000,
    );
    if (build.code !== 0) throw new Error(`docker build failed:\n${build.stderr.slice(-4000)}`);
    timings['build'] = `${ms(started)} ms`;
  }, 1_800_000);

  afterAll(async () => {
    process.stdout.write(`docker-image.test timings: ${JSON.stringify(timings)}\n`);
    await docker?.stop();
    await lab?.destroy();
  }, 300_000);

  it(`is under ${MAX_IMAGE_BYTES / 1e6} MB, without the CA certificates handed to the build`, async () => {
    const size = Number(await docker.must(['image', 'inspect', '-f', '{{.Size}}', IMAGE]));
    timings['image size'] = `${(size / 1e6).toFixed(0)} MB`;
    expect(size).toBeLessThan(MAX_IMAGE_BYTES);
    const env = await docker.must(['image', 'inspect', '-f', '{{json .Config.Env}}', IMAGE]);
    expect(env).not.toContain('NODE_EXTRA_CA_CERTS');
    const secrets = await docker.run([
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      'sh',
      IMAGE,
      '-c',
      'ls /run/secrets 2>&1; find / -xdev -name "ca_certificates*" 2>/dev/null',
    ]);
    expect(secrets.stdout).not.toContain('ca_certificates');
  });

  describe('docker run', () => {
    const name = 'dp-metadata';
    let network: string;

    beforeAll(async () => {
      network = `${lab.prefix}-net`;
      await docker.must([
        'network',
        'create',
        '-d',
        'macvlan',
        '--subnet',
        '169.254.169.0/24',
        '--ip-range',
        '169.254.169.254/32',
        '--gateway',
        '169.254.169.1',
        '-o',
        `parent=${parent}`,
        network,
      ]);
      await lab.exec(nodes, 'python3', [
        '-c',
        `import subprocess, sys; subprocess.Popen([sys.executable, '-c', ${JSON.stringify(SLOW_TARGET)}])`,
      ]);
      const started = Date.now();
      await docker.must([
        'run',
        '-d',
        '--name',
        name,
        '--network',
        network,
        '--ip',
        '169.254.169.254',
        '--read-only',
        '--tmpfs',
        '/tmp',
        '--cap-drop',
        'ALL',
        '--security-opt',
        'no-new-privileges:true',
        '-v',
        `${inventory}:/inventory:ro`,
        '-e',
        'INVENTORY_FILE=/inventory/inventory.json',
        '-e',
        'LOG_LEVEL=http',
        '-e',
        `VENDOR_DATA_DYNAMIC_TARGETS=slow@http://${NODE_IP}:8000/`,
        '--health-interval',
        '1s',
        '--health-start-period',
        '10s',
        IMAGE,
      ]);
      await waitUntil(
        'the container to be healthy',
        async () => (await docker.must(['inspect', '-f', '{{.State.Health.Status}}', name])) === 'healthy',
        60_000,
        250,
      );
      timings['docker run to healthy (1 s health interval)'] = `${ms(started)} ms`;
    }, 120_000);

    // Compose makes the same subnet on the same parent next: this network must be gone first.
    afterAll(async () => {
      await docker.run(['rm', '-f', name]);
      await docker.must(['network', 'rm', network]);
    });

    it('runs as uid 10001 with no capability, on a read-only root', async () => {
      const pid = await docker.must(['inspect', '-f', '{{.State.Pid}}', name]);
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      expect(status).toMatch(/^Uid:\s+10001\s+10001\s+10001\s+10001$/m);
      expect(status).toMatch(/^CapEff:\s+0+$/m);
      expect(status).toMatch(/^CapPrm:\s+0+$/m);
      expect(status).toMatch(/^CapBnd:\s+0+$/m);
      const write = await docker.run(['exec', name, 'sh', '-c', 'touch /app/x']);
      expect(write.stderr).toContain('Read-only file system');
    });

    it('answers /healthz on the admin listener, which HEALTHCHECK asks', async () => {
      const health = await docker.must([
        'exec',
        name,
        'node',
        '-e',
        "fetch('http://127.0.0.1:9100/healthz').then(async (r) => console.log(r.status, await r.text()))",
      ]);
      expect(health).toBe('200 ok');
      const log = JSON.parse(await docker.must(['inspect', '-f', '{{json .State.Health.Log}}', name]));
      expect(log.at(-1)).toMatchObject({ ExitCode: 0 });
    });

    it("answers a node's meta_data.json asked from its own address", async () => {
      const reply = await curlIn(lab, nodes, 'http://169.254.169.254/openstack/latest/meta_data.json', { from: NODE_IP });
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body).uuid).toBe(instances.node);
    });

    it('finishes a request in flight on SIGTERM (docker stop), then exits 0', async () => {
      const inFlight = curlIn(lab, nodes, 'http://169.254.169.254/openstack/latest/vendor_data2.json', {
        from: NODE_IP,
        timeoutSeconds: 10,
      });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const stopping = Date.now();
      await docker.must(['stop', '-t', '10', name]);
      timings['docker stop with a request in flight'] = `${ms(stopping)} ms`;
      const reply = await inFlight;
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ slow: { slow: true } });
      expect(await docker.must(['inspect', '-f', '{{.State.ExitCode}}', name])).toBe('0');
      // One process says it finishes; a cluster's primary (WORKERS defaults to the cores) says its workers do.
      expect(await docker.logs(name)).toMatch(
        /SIGTERM: (finishing requests in flight, then stopping|the workers finish requests in flight, then stop)/,
      );
    });
  });

  describe('docker-compose on macvlan, with a client container', () => {
    const project = 'dp-compose';
    let compose: string[];
    // IRONIC_URL is required by the file; the inventory file of the override stands in for Ironic.
    let env: Record<string, string>;

    beforeAll(async () => {
      const file = join(lab.dir, 'docker-compose.yml');
      copyFileSync(join(WORKSPACE, 'deploy/docker-compose.yml'), file);
      // In the root namespace, where the parent is and dockerd runs; with --interface it only writes the file.
      const written = await runToExit(SETUP_NETWORK, ['--compose', file, '--interface', parent], { env: cleanEnv() });
      expect(written).toMatchObject({ code: 0 });
      const override = join(lab.dir, 'docker-compose.test.yml');
      writeFileSync(
        override,
        [
          'services:',
          '  metadata:',
          '    environment:',
          '      INVENTORY_FILE: /inventory/inventory.json',
          '    volumes:',
          `      - ${inventory}:/inventory:ro`,
          '  client:',
          `    image: ${IMAGE}`,
          '    read_only: true',
          '    entrypoint: ["node", "-e"]',
          // Once its own link-local address has left duplicate address detection (until then the kernel
          // picks its unique-local one as the source, which the inventory does not list), both
          // addresses, each asked with node's http (fetch's URL parser refuses a zone).
          `    command: ${JSON.stringify([CLIENT_SCRIPT])}`,
          `    mac_address: "${CLIENT_MAC}"`,
          '    depends_on: [metadata]',
          '    networks:',
          '      provisioning:',
          `        ipv4_address: ${CLIENT_IP}`,
          '',
        ].join('\n'),
      );
      compose = ['-p', project, '-f', file, '-f', override];
      const leases = join(lab.dir, 'dnsmasq');
      mkdirSync(leases);
      env = { IRONIC_URL: 'http://169.254.169.1:6385', IRONIC_METADATA_IMAGE: IMAGE, DNSMASQ_LEASE_DIR: leases };
    });

    it('is valid for docker-compose (v1)', async () => {
      const config = await docker.compose([...compose, 'config', '-q'], env);
      expect(config).toMatchObject({ code: 0, stderr: '' });
    });

    it('comes up healthy on the first start with both addresses, and the client reads its data over each', async () => {
      const started = Date.now();
      const up = await docker.compose([...compose, 'up', '-d', '--no-build', 'metadata'], env);
      if (up.code !== 0) throw new Error(`docker-compose up failed: ${up.stderr}`);
      const service = `${project}_metadata_1`;
      await waitUntil(
        'the compose service to be healthy',
        async () => (await docker.must(['inspect', '-f', '{{.State.Health.Status}}', service])) === 'healthy',
        60_000,
        250,
      );
      timings['compose up to healthy (10 s health interval)'] = `${ms(started)} ms`;
      expect(await docker.must(['inspect', '-f', '{{.RestartCount}}', service])).toBe('0');
      const logs = await docker.logs(service);
      expect(logs).toMatch(/serving metadata .* on http:\/\/169\.254\.169\.254:80, http:\/\/\[fe80::a9fe:a9fe%eth0\]:80/);
      const dadWait = logs.split('\n').filter((line) => line.includes('retrying in'));
      timings['retries while the address was tentative'] = String(dadWait.length);

      const client = await docker.compose([...compose, 'run', '--rm', 'client'], env);
      expect(client.code).toBe(0);
      expect(JSON.parse(client.stdout.trim().split('\n').pop() ?? '')).toEqual([`200 ${instances.client}`, `200 ${instances.client}`]);
    });

    it('is back by itself when its process dies (restart: unless-stopped), duplicate address detection included', async () => {
      const service = `${project}_metadata_1`;
      const pid = Number(await docker.must(['inspect', '-f', '{{.State.Pid}}', service]));
      // 0 is what docker says of a container that is not running, and process.kill(0) would kill this test's own group.
      if (!(pid > 0)) throw new Error(`${service} is not running (pid ${pid})`);
      const killed = Date.now();
      process.kill(pid, 'SIGKILL');
      const answers = async () =>
        (await curlIn(lab, nodes, 'http://169.254.169.254/openstack/latest/meta_data.json', { from: NODE_IP, timeoutSeconds: 1 }))
          .status === 200;
      await waitUntil(
        'the restarted service to answer a node',
        async () => (await docker.must(['inspect', '-f', '{{.RestartCount}}', service])) === '1' && (await answers()),
        60_000,
        200,
      );
      timings['compose: SIGKILL to answering again'] = `${ms(killed)} ms`;
    });

    afterAll(async () => {
      const down = await docker.compose([...compose, 'down'], env);
      expect(down).toMatchObject({ code: 0 });
    }, 120_000);
  });
});
