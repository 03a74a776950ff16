import { join } from 'node:path';
import { lookupCommand } from './lookup';

const INVENTORY = join(__dirname, '../../../metadata-server/example/inventory.json');

async function run(ip: string, json = false): Promise<{ code: number; output: string }> {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const code = await lookupCommand(ip, { inventory: INVENTORY, leases: '/nonexistent/dnsmasq.leases', json });
    return { code, output: written.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('ironic-metadata lookup', () => {
  beforeAll(() => {
    process.env['LOG_LEVEL'] = 'error';
  });

  it('prints the node, the method and the trace, and exits 0', async () => {
    const { code, output } = await run('127.0.0.11');
    expect(code).toBe(0);
    expect(output).toContain('127.0.0.11 is node 1be26c0b-03f2-4d2e-ae87-c02d7f33c123 (compute-r01-u05), matched by configdrive_network_data');
    expect(output).toMatch(/fixed_ips\s+no-match\s+no node has 127\.0\.0\.11 in instance_info\.fixed_ips/);
  });

  it('explains a node without an instance and exits 1', async () => {
    const { code, output } = await run('127.0.0.14');
    expect(code).toBe(1);
    expect(output).toContain('127.0.0.14: not found: 127.0.0.14 belongs to node c2a9e4f7-5b1d-4e3a-9c8f-0d7b6a5e4f31 (compute-r02-u03), which is available');
  });

  it('prints JSON with --json', async () => {
    const { code, output } = await run('127.0.0.99', true);
    expect(code).toBe(1);
    const result = JSON.parse(output);
    expect(result).toMatchObject({ ip: '127.0.0.99', found: false, method: null, node: null, reason: 'no node matches 127.0.0.99' });
    expect(result.trace.map((step: { method: string }) => step.method)).toEqual(['fixed_ips', 'node_network_data', 'configdrive_network_data', 'agent_url', 'dhcp_lease']);
  });
});
