import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { networkDataGraphs } from '@ironic-metadata/instance-metadata/testing';
import { httpFrom } from './support/http-from';
import { startMetadataServer, type RunningServer } from './support/metadata-server';
import { runProgram } from './support/processes';

// Generated network_data graphs, each on its own node, served by the built server and read by
// Debian's cloud-init in one Python process.
const NETWORK_DATA_CLIENT = join(__dirname, 'support/network_data_client.py');
const DEBIAN_PYTHON = '/usr/bin/python3';
const GRAPHS = 50;
const seed = Date.now() % 2 ** 31;
const graphs = fc.sample(networkDataGraphs, { numRuns: GRAPHS, seed });
const addressOf = (index: number) => `127.0.1.${index + 1}`;
const hex = (index: number) => index.toString(16).padStart(12, '0');

type Converted = { address: string; config?: { config: { type: string; mac_address?: string }[] }; error?: string };

describe(`generated network_data graphs (fast-check seed ${seed})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'it-netgraph-'));
  let server: RunningServer;

  beforeAll(async () => {
    const nodes = graphs.map((graph, index) => ({
      uuid: `00000000-0000-4000-8000-${hex(index)}`,
      name: `netgraph-${index}`,
      provision_state: 'active',
      instance_uuid: `10000000-0000-4000-8000-${hex(index)}`,
      instance_info: { fixed_ips: [addressOf(index)] },
      network_data: graph.networkData,
      driver_info: {},
      driver_internal_info: {},
      properties: {},
      extra: {},
    }));
    writeFileSync(join(dir, 'inventory.json'), JSON.stringify({ nodes, ports: [], portgroups: [] }));
    server = await startMetadataServer({ INVENTORY_FILE: join(dir, 'inventory.json'), LEASE_FILE: join(dir, 'no-such.leases') });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("are accepted by cloud-init's convert_net_json, which configures exactly the NICs the EC2 view lists", async () => {
    const addresses = graphs.map((_, index) => addressOf(index));
    const converted: Converted[] = JSON.parse(
      await runProgram(DEBIAN_PYTHON, [NETWORK_DATA_CLIENT, server.url, ...addresses], { timeoutMs: 60_000 }),
    );
    expect(converted.filter((result) => result.error !== undefined)).toEqual([]);
    for (const [index, result] of converted.entries()) {
      const served = await httpFrom(addressOf(index), `${server.url}/latest/meta-data/network/interfaces/macs/`);
      const listed = served.text.split('\n').map((entry) => entry.replace(/\/$/, ''));
      const physical = (result.config?.config ?? []).filter((device) => device.type === 'physical').map((device) => device.mac_address);
      expect({ address: result.address, macs: listed }).toEqual({ address: addressOf(index), macs: physical });
      expect(listed).toEqual(graphs[index].nicMacs);
    }
  });

  it('answer each NIC with the addresses over its VLANs and bonds, and local-ipv4 on the NIC mac names', async () => {
    for (const [index, graph] of graphs.entries()) {
      const get = async (path: string) => (await httpFrom(addressOf(index), `${server.url}/latest/meta-data/${path}`)).text;
      const mac = await get('mac');
      expect(await get('local-ipv4')).toBe(addressOf(index));
      expect(await get(`network/interfaces/macs/${mac}/device-number`)).toBe('0');
      const listed = await Promise.all(
        graph.nicMacs.map(
          async (nic) => [nic, (await get(`network/interfaces/macs/${nic}/local-ipv4s`)).split('\n').filter(Boolean)] as const,
        ),
      );
      const expected = graph.nicMacs.map(
        (nic) =>
          [
            nic,
            [
              ...Object.entries(graph.carrierOf)
                .filter(([, carrier]) => carrier === nic)
                .map(([ip]) => ip),
              ...(nic === mac ? [addressOf(index)] : []),
            ],
          ] as const,
      );
      expect(listed).toEqual(expected);
    }
  });
});
