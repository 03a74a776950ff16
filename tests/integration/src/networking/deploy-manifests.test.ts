import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runToExit, WORKSPACE } from '../support/processes';
import { cleanEnv } from './support/network-lab';
import { readYamlDocuments } from './support/yaml';

// No container engine or cluster here: the files are parsed and held to what the service needs.
const DEPLOY = join(WORKSPACE, 'deploy');
const read = (path: string) => readFileSync(join(WORKSPACE, path), 'utf8');

describe('docker compose files', () => {
  it('put the service on a macvlan network as 169.254.169.254 and fe80::a9fe:a9fe, with the leases read only', async () => {
    const [compose] = await readYamlDocuments(join(DEPLOY, 'docker-compose.yml'));
    const service = compose.services.metadata;
    expect(compose.networks.provisioning).toMatchObject({ driver: 'macvlan', driver_opts: { parent: expect.any(String) } });
    expect(compose.networks.provisioning.ipam.config[0]).toMatchObject({ subnet: '169.254.169.0/24' });
    expect(service.networks.provisioning).toEqual({ ipv4_address: '169.254.169.254', link_local_ips: ['fe80::a9fe:a9fe'] });
    expect(service.environment.BIND_ADDR.split(',')).toEqual(['169.254.169.254', 'fe80::a9fe:a9fe%eth0']);
    // The seed forgot this mount: LEASE_FILE pointed into an empty directory.
    expect(service.volumes).toContainEqual(expect.stringMatching(/:\/shared\/dnsmasq:ro$/));
    expect(service.environment.LEASE_FILE).toMatch(/^\/shared\/dnsmasq\//);
    expect(service.environment.ADMIN_BIND_PORT).toBe('9100');
    expect(service).toMatchObject({ cap_drop: ['ALL'], read_only: true, sysctls: { 'net.ipv4.ip_unprivileged_port_start': 0 } });
    expect(service.cap_add).toBeUndefined();
  });

  it('override the Ironic connection for a remote Ironic with basic auth or Keystone', async () => {
    const [override] = await readYamlDocuments(join(DEPLOY, 'docker-compose.remote-ironic.yml'));
    expect(Object.keys(override.services.metadata.environment)).toEqual(
      expect.arrayContaining(['OS_AUTH_TYPE', 'OS_USERNAME', 'OS_PASSWORD', 'OS_AUTH_URL', 'OS_PROJECT_NAME']),
    );
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('deploy/docker/Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('builds with every dependency and runs with production ones only, as a numeric non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/npm ci --no-audit.*\n(.*\n)*RUN npm run build/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    // This machine's CA certificates reach npm as a build secret, never a layer.
    expect(dockerfile).toMatch(/RUN --mount=type=secret,id=ca_certificates /);
    expect(dockerfile).not.toMatch(/^(COPY|ADD) .*ca-certificates/m);
    const runtime = stages[stages.length - 1];
    expect(runtime).toMatch(/^USER [1-9]\d*:[1-9]\d*$/m);
    // Port 80 from the namespaced sysctl, not a second node binary made by setcap.
    expect(runtime).not.toMatch(/setcap cap_net_bind_service/);
    expect(runtime).toMatch(/ENTRYPOINT \["node", "dist\/apps\/metadata-server\/main\.js"\]/);
  });

  it("health-checks the admin listener's /healthz", () => {
    const healthcheck = dockerfile.match(/^HEALTHCHECK (.*\\\n)*.*$/m)?.[0] ?? '';
    expect(healthcheck).toContain("'http://127.0.0.1:' + port + '/healthz'");
    expect(healthcheck).toContain('ADMIN_BIND_PORT || 9100');
  });

  it('keeps node_modules and dist out of the build context, in the one ignore file every builder reads', () => {
    expect(existsSync(join(WORKSPACE, 'deploy/docker/Dockerfile.dockerignore'))).toBe(false);
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', 'dist', '.git']));
  });
});

describe('systemd unit', () => {
  const unit = read('deploy/systemd/ironic-metadata.service');

  it('is hardened and binds port 80 with one capability', () => {
    for (const line of [
      'DynamicUser=yes',
      'AmbientCapabilities=CAP_NET_BIND_SERVICE',
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK',
      'EnvironmentFile=/etc/ironic-metadata/env',
      'ReadOnlyPaths=-/var/lib/dnsmasq',
      'Restart=on-failure',
      // A configuration error (exit 2) is not restarted every 2 s: it waits for the operator.
      'RestartPreventExitStatus=2',
      // Stopping signals the supervising process, which drains its workers before it exits.
      'KillMode=mixed',
    ]) {
      expect(unit.split('\n')).toContain(line);
    }
  });

  it('passes systemd-analyze verify', async () => {
    const result = await runToExit('systemd-analyze', ['verify', join(DEPLOY, 'systemd/ironic-metadata.service')], { env: cleanEnv() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('Kubernetes manifests', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let resources: any[];
  const find = (kind: string) => resources.find((resource) => resource.kind === kind);

  beforeAll(async () => {
    const dir = join(DEPLOY, 'kubernetes');
    const files = readdirSync(dir).filter((file) => file.endsWith('.yaml'));
    resources = (await Promise.all(files.map((file) => readYamlDocuments(join(dir, file))))).flat();
  });

  it('list every manifest in the kustomization (MetalLB pool apart, in its own namespace)', async () => {
    const dir = join(DEPLOY, 'kubernetes');
    const [kustomization] = await readYamlDocuments(join(dir, 'kustomization.yaml'));
    const manifests = readdirSync(dir).filter((file) => file.endsWith('.yaml') && !['kustomization.yaml', 'metallb.yaml'].includes(file));
    expect([...kustomization.resources].sort()).toEqual(manifests.sort());
    for (const file of kustomization.resources) expect(existsSync(join(dir, file))).toBe(true);
  });

  it('run two or more restricted replicas, probed on the admin port', () => {
    const deployment = find('Deployment');
    const config = find('ConfigMap').data;
    const [container] = deployment.spec.template.spec.containers;
    const port = (name: string) => container.ports.find((entry: { name: string }) => entry.name === name).containerPort;
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'admin' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'admin' });
    expect(String(port('admin'))).toBe(config.ADMIN_BIND_PORT);
    expect(String(port('http'))).toBe(config.BIND_PORT);
    expect(deployment.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.envFrom).toEqual([
      { configMapRef: { name: find('ConfigMap').metadata.name } },
      { secretRef: { name: find('Secret').metadata.name } },
    ]);
  });

  it('give every replica the same IMDSv2 token keys, readable by the service alone', () => {
    const spec = find('Deployment').spec.template.spec;
    const [container] = spec.containers;
    const keyFile = find('ConfigMap').data.IMDS_TOKEN_KEY_FILE;
    const volume = spec.volumes.find(
      (entry: { secret?: { secretName: string } }) => entry.secret?.secretName === 'ironic-metadata-token-keys',
    );
    const mount = container.volumeMounts.find((entry: { name: string }) => entry.name === volume.name);
    expect(keyFile).toBe(`${mount.mountPath}/token-keys`);
    expect(mount.readOnly).toBe(true);
    expect(volume.secret.defaultMode).toBe(0o400);
    expect(spec.securityContext.fsGroup).toBe(spec.securityContext.runAsGroup);
    const keys = resources.find((resource) => resource.kind === 'Secret' && resource.metadata.name === 'ironic-metadata-token-keys');
    expect(Object.keys(keys.stringData)).toEqual(['token-keys']);
  });

  it('expose 169.254.169.254:80 through MetalLB keeping client addresses', () => {
    const service = find('Service');
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', loadBalancerIP: '169.254.169.254', externalTrafficPolicy: 'Local' });
    expect(service.metadata.annotations['metallb.universe.tf/loadBalancerIPs']).toBe('169.254.169.254');
    expect(service.spec.ports).toEqual([expect.objectContaining({ port: 80, targetPort: 'http' })]);
    expect(service.spec.selector).toEqual(find('Deployment').spec.selector.matchLabels);
    expect(find('IPAddressPool').spec.addresses).toEqual(['169.254.169.254/32']);
  });
});

describe('documentation', () => {
  const docs = ['docs/DOCKER_DEPLOYMENT.md', 'docs/ADVANCED_NETWORKING.md'];

  it.each(docs)('%s names only deploy files that exist', (doc) => {
    const mentioned = [...read(doc).matchAll(/\bdeploy\/[\w./-]*\w/g)].map((match) => match[0]);
    expect(mentioned.length).toBeGreaterThan(0);
    expect(mentioned.filter((path) => !existsSync(join(WORKSPACE, path)))).toEqual([]);
  });

  it('compare every method and give the Ironic policy that config drives need', () => {
    const networking = read('docs/ADVANCED_NETWORKING.md');
    for (const method of ['DNAT', 'BGP', 'keepalived', 'HAProxy', 'MetalLB'])
      expect(networking).toMatch(new RegExp(`^\\| [^|\\n]*${method}`, 'm'));
    expect(read('docs/DOCKER_DEPLOYMENT.md')).toContain('"show_instance_secrets": "@"');
  });
});
