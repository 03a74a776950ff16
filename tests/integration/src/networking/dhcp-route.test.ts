import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAdvanced } from './support/deploy-scripts';
import { NetworkLab } from './support/network-lab';
import { startServerIn, type NamespacedServer } from './support/namespaced-server';
import { waitUntil } from './support/wait';

const HOST_IP = '10.200.52.1';
const ROUTER_IP = '10.200.52.254';
const NODE_MAC = '52:54:00:d9:52:10';
const CLOUD_INIT_CLIENT = join(__dirname, '../support/cloud_init_client.py');
// Debian's cloud-init lives in Debian's Python, whatever python3 comes first on PATH.
const DEBIAN_PYTHON = '/usr/bin/python3';

/**
 * busybox udhcpc's event script, as a node's initramfs has one: the address, then each classless
 * static route of option 121 (`$staticroutes`: "DEST/PREFIX ROUTER ..."), else the router option.
 */
const UDHCPC_SCRIPT = `#!/bin/sh
case "$1" in
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/$mask" dev "$interface"
    if [ -n "$staticroutes" ]; then
      set -- $staticroutes
      while [ $# -ge 2 ]; do ip route replace "$1" via "$2" dev "$interface" onlink; shift 2; done
    elif [ -n "$router" ]; then
      ip route replace default via "\${router%% *}" dev "$interface"
    fi
    ;;
esac
`;

describe('DHCP option 121 sends a node with no address in Ironic to the metadata service (dhcp-route)', () => {
  let lab: NetworkLab;
  let prov: string;
  let node: string;
  let server: NamespacedServer;
  const instanceUuid = randomUUID();
  let leases: string;
  let snippet: string;
  let dhcpdLines: string;

  beforeAll(async () => {
    lab = await NetworkLab.create('dp');
    prov = await lab.namespace('prov');
    node = await lab.namespace('node');
    await lab.link({ ns: prov, iface: 'eth0', addresses: [`${HOST_IP}/24`] }, { ns: node, iface: 'eth0' });
    await lab.must('ip', ['-n', node, 'link', 'set', 'eth0', 'address', NODE_MAC]);
    // The provisioning host holds the metadata address itself, as setup-network.sh's host does.
    await lab.must('ip', ['-n', prov, 'addr', 'add', '169.254.169.254/32', 'dev', 'lo']);

    const written = await runAdvanced(lab, prov, lab.dir, ['dhcp-route', HOST_IP, ROUTER_IP]);
    expect(written.code).toBe(0);
    dhcpdLines = written.stdout;
    snippet = join(lab.dir, 'dnsmasq-metadata-route.conf');

    // The node is known to Ironic only by its port's MAC: no fixed_ips, no network_data, no agent URL.
    const nodeUuid = randomUUID();
    const inventory = join(lab.dir, 'inventory.json');
    writeFileSync(
      inventory,
      JSON.stringify({
        nodes: [{ uuid: nodeUuid, name: 'dp-dhcp-node', provision_state: 'active', instance_uuid: instanceUuid, instance_info: {} }],
        ports: [{ uuid: randomUUID(), node_uuid: nodeUuid, address: NODE_MAC }],
      }),
    );
    leases = join(lab.dir, 'dnsmasq.leases');
    const dnsmasq = await lab.exec(prov, 'dnsmasq', [
      `--conf-file=${snippet}`,
      '--port=0',
      '--interface=eth0',
      '--bind-interfaces',
      '--dhcp-range=10.200.52.100,10.200.52.150,1h',
      '--dhcp-authoritative',
      `--dhcp-leasefile=${leases}`,
      `--pid-file=${join(lab.dir, 'dnsmasq.pid')}`,
      `--log-facility=${join(lab.dir, 'dnsmasq.log')}`,
      '--log-dhcp',
    ]);
    expect(dnsmasq).toMatchObject({ code: 0 });
    server = await startServerIn(prov, {
      INVENTORY_FILE: inventory,
      LEASE_FILE: leases,
      BIND_ADDR: '169.254.169.254',
      BIND_PORT: '80',
      ADMIN_BIND_PORT: '9100',
    });
  });
  afterAll(async () => {
    await server?.stop();
    await lab?.destroy();
  });

  it('writes a snippet dnsmasq accepts and prints the same routes for ISC dhcpd', () => {
    expect(readFileSync(snippet, 'utf8')).toMatch(
      /^dhcp-option=option:classless-static-route,169\.254\.169\.254\/32,10\.200\.52\.1,0\.0\.0\.0\/0,10\.200\.52\.254$/m,
    );
    expect(dhcpdLines).toContain('option rfc3442-classless-static-routes code 121 = array of integer 8;');
    expect(dhcpdLines).toContain('option rfc3442-classless-static-routes 32, 169, 254, 169, 254, 10, 200, 52, 1, 0, 10, 200, 52, 254;');
  });

  it('prints the change under --dry-run and writes nothing; refuses an address that is not one', async () => {
    const dry = await runAdvanced(lab, prov, lab.dir, ['--dry-run', 'dhcp-route', '10.200.52.2']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^\+dhcp-option=option:classless-static-route,169\.254\.169\.254\/32,10\.200\.52\.2$/m);
    expect(readFileSync(snippet, 'utf8')).toContain(`/32,${HOST_IP},`);
    const bad = await runAdvanced(lab, prov, lab.dir, ['dhcp-route', '10.200.52']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('error: HOST_IP must be the IPv4 address nodes reach the metadata service at, got "10.200.52"');
  });

  it("a node's DHCP client gets the route, and cloud-init reads its metadata through it, found by the lease", async () => {
    const script = join(lab.dir, 'udhcpc.script');
    writeFileSync(script, UDHCPC_SCRIPT);
    chmodSync(script, 0o755);
    const client = await lab.exec(
      node,
      'busybox',
      ['udhcpc', '-i', 'eth0', '-f', '-q', '-n', '-t', '5', '-T', '1', '-O', 'staticroutes', '-s', script],
      { timeoutMs: 20_000 },
    );
    expect(client).toMatchObject({ code: 0 });
    const routes = await lab.must('ip', ['-n', node, '-4', 'route', 'show']);
    expect(routes).toMatch(/^169\.254\.169\.254 via 10\.200\.52\.1 dev eth0/m);
    expect(routes).toMatch(/^default via 10\.200\.52\.254 dev eth0/m);
    const address = /inet (10\.200\.52\.\d+)\//.exec(await lab.must('ip', ['-n', node, '-4', 'addr', 'show', 'dev', 'eth0']))?.[1] ?? '';
    await waitUntil(
      "the lease in dnsmasq's lease file",
      () => existsSync(leases) && readFileSync(leases, 'utf8').includes(`${NODE_MAC} ${address} `),
      5_000,
    );

    const read = await lab.exec(node, DEBIAN_PYTHON, [CLOUD_INIT_CLIENT, 'http://169.254.169.254', address, 'openstack']);
    expect(read).toMatchObject({ code: 0 });
    expect(JSON.parse(read.stdout).metadata.uuid).toBe(instanceUuid);
    await server.sawRequestFrom(address);
  });
});
