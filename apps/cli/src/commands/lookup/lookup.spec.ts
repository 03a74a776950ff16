import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captured, EXAMPLE_INVENTORY, withEnv, NO_LEASES } from '../../test-support/capture';
import { UsageError } from '../../support/context';
import { lookupCommand } from './lookup';

const run = async (ip: string, json = false) => {
  const { result, stdout } = await captured(() => lookupCommand(ip, { inventory: EXAMPLE_INVENTORY, leases: NO_LEASES, json }));
  return { code: result, output: stdout.toString() };
};

describe('ironic-metadata lookup', () => {
  withEnv({ LOG_LEVEL: undefined });

  it('prints the node, the method, the state check and the trace as a table, and exits 0', async () => {
    const { code, output } = await run('127.0.0.11');
    expect(code).toBe(0);
    expect(output).toContain(
      '127.0.0.11 is node 1be26c0b-03f2-4d2e-ae87-c02d7f33c123 (compute-r01-u05), matched by configdrive_network_data',
    );
    expect(output).toContain('provision state: active (served)');
    expect(output).toContain('instance uuid: 0b6a5b2e-7a0e-4f4c-9d8a-6c7e3f1d2a11 (config drive meta_data.uuid)');
    expect(output).toContain('instance hostname: web-01.example.net (config drive meta_data.hostname)');
    expect(output).toMatch(/MATCHER\s+OUTCOME\s+DETAIL/);
    expect(output).toMatch(/fixed_ips\s+no-match\s+no node has 127\.0\.0\.11 in instance_info\.fixed_ips/);
  });

  it('explains a node without an instance and exits 1', async () => {
    const { code, output } = await run('127.0.0.14');
    expect(code).toBe(1);
    expect(output).toContain(
      '127.0.0.14: not found: 127.0.0.14 belongs to node c2a9e4f7-5b1d-4e3a-9c8f-0d7b6a5e4f31 (compute-r02-u03), which is available',
    );
    expect(output).toContain('provision state: available (not served');
    expect(output).toMatch(/fixed_ips\s+ineligible\s+127\.0\.0\.14 is in instance_info\.fixed_ips/);
  });

  it('says where a node without a config drive gets its identity from', async () => {
    const { output } = await run('127.0.0.12', true);
    expect(JSON.parse(output).instance).toEqual({
      uuid: { value: '4e8f2a61-9c3d-4b7e-8f1a-2d6c9e0b3a57', source: "the node's uuid (no config drive, no instance_uuid)" },
      name: { value: 'compute-r01-u07', source: "the node's name" },
      hostname: { value: 'compute-r01-u07', source: "the node's name, sanitised as Nova does" },
    });
  });

  it('prints JSON with --json', async () => {
    const { code, output } = await run('127.0.0.99', true);
    expect(code).toBe(1);
    const result = JSON.parse(output);
    expect(result).toMatchObject({ ip: '127.0.0.99', found: false, method: null, node: null, reason: 'no node matches 127.0.0.99' });
    expect(result.trace.map((step: { method: string }) => step.method)).toEqual([
      'fixed_ips',
      'node_network_data',
      'configdrive_network_data',
      'agent_url',
      'dhcp_lease',
    ]);
  });

  it('refuses an argument that is no IP address as a usage error, not as an address no node has', async () => {
    for (const bad of ['not-an-ip', '999.1.1.1'])
      await expect(run(bad)).rejects.toThrow(
        new UsageError(
          `<ip> "${bad}" is not an IPv4 or IPv6 address; give the address a node asks from, e.g. 10.1.105.195 or fe80::5054:ff:fe12:3456%eth0`,
        ),
      );
  });

  describe('a lease file it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookup-leases-'));
    const lookupWith = (leases: string | undefined) => lookupCommand('127.0.0.99', { inventory: EXAMPLE_INVENTORY, leases });

    it('refuses a --leases directory or missing file in one line naming it (exit 2), before any lookup', async () => {
      await expect(lookupWith(dir)).rejects.toThrow(
        new UsageError(
          `the lease file ${dir} is a directory, not a file; point --leases at dnsmasq's lease file (its --dhcp-leasefile), readable by this user`,
        ),
      );
      await expect(lookupWith(join(dir, 'missing'))).rejects.toThrow(
        new UsageError(
          `the lease file ${join(dir, 'missing')} does not exist; point --leases at dnsmasq's lease file (its --dhcp-leasefile), readable by this user`,
        ),
      );
    });

    describe('named by LEASE_FILE', () => {
      withEnv({ LEASE_FILE: join(dir, 'not-yet.leases') });

      it('runs without the fallback while it does not exist, as the service does, and the trace says so', async () => {
        const { result, stdout } = await captured(() => lookupWith(undefined));
        expect(result).toBe(1);
        expect(stdout.toString()).toMatch(
          new RegExp(
            `dhcp_lease\\s+no-match\\s+no DHCP lease for 127\\.0\\.0\\.99: the lease file ${join(dir, 'not-yet.leases')} does not exist`,
          ),
        );
      });
    });
  });

  describe('values left aside', () => {
    const inventory = join(mkdtempSync(join(tmpdir(), 'lookup-')), 'inventory.json');
    const networkData = {
      links: [{ id: 'bond0', type: 'bond', ethernet_mac_address: '52:54:00:00:61:01', bond_miimon: '100', mtu: 0 }, { type: 'phy' }],
      networks: [{ id: 'n0', type: 'ipv4', link: 'bond0', ip_address: '10.0.0.300' }],
    };
    writeFileSync(
      inventory,
      JSON.stringify({
        nodes: [
          {
            uuid: 'n61',
            name: 'odd',
            provision_state: 'active',
            instance_info: {
              fixed_ips: ['127.0.0.61', 'nope'],
              configdrive: { meta_data: { uuid: 'i61', public_keys: { ops: 'ssh-ed25519 AAAA ops', bad: 7 } }, network_data: networkData },
            },
          },
        ],
      }),
    );
    const lookup = (json: boolean) => captured(() => lookupCommand('127.0.0.61', { inventory, leases: NO_LEASES, json }));

    it('lists each value the service does without, with the field from the node and why', async () => {
      const { result, stdout } = await lookup(false);
      expect(result).toBe(0);
      const lines = stdout
        .toString()
        .split('\n')
        .filter((line) => line.includes('left aside'));
      expect(lines).toEqual([
        '  left aside: instance_info.fixed_ips[1]: expected an IPv4 or IPv6 address, or {"ip_address": <address>}',
        '  left aside: instance_info.configdrive meta_data.public_keys.bad: Invalid input: expected string, received number',
        '  left aside: instance_info.configdrive network_data.links[1]: id: Invalid input: expected string, received undefined',
        '  left aside: instance_info.configdrive network_data.networks[0].ip_address: expected an IPv4 or IPv6 address',
      ]);
    });

    it('gives them as node.leftAside with --json', async () => {
      const { stdout } = await lookup(true);
      const { node } = JSON.parse(stdout.toString());
      expect(node.leftAside).toHaveLength(4);
      expect(node.leftAside[0]).toEqual({
        field: 'instance_info.fixed_ips[1]',
        problem: 'expected an IPv4 or IPv6 address, or {"ip_address": <address>}',
      });
    });
  });
});
