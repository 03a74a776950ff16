import type { NetworkInterfaceInfo } from 'node:os';
import { aNode, aPort } from '@ironic-metadata/ironic-model/testing';
import type { IndexedNode } from '@ironic-metadata/node-discovery';
import { clientMacCheck } from './segment-check';
import type { Discovery } from './discovery';

const node = aNode({ name: 'n1' });
const entry: IndexedNode = { node, ports: [aPort(node, '02:00:00:77:00:11')], portgroups: [] };
const discovery: Discovery = { active: [entry], found: [{ entry, ip: '10.77.0.11', method: 'fixed_ips' }], missing: [] };
const lan = (address: string, cidr: string): NodeJS.Dict<NetworkInterfaceInfo[]> => ({
  eth0: [{ address, cidr, family: 'IPv4', netmask: '255.255.255.0', mac: '02:00:00:00:00:01', internal: false }],
});
const table = (entries: Record<string, string>) => ({ macFor: async (ip: string) => entries[ip] });

describe('clientMacCheck (doctor)', () => {
  it('is skipped while VERIFY_CLIENT_MAC is off', async () => {
    expect((await clientMacCheck(false, ['169.254.169.254'], discovery, table({}), {})).status).toBe('skip');
  });

  it("passes when the neighbour table holds node addresses, or the bind address is on the nodes' subnet", async () => {
    const byTable = await clientMacCheck(true, ['169.254.169.254'], discovery, table({ '10.77.0.11': '02:00:00:77:00:11' }), {});
    expect(byTable).toMatchObject({ status: 'pass', detail: 'the neighbour table holds 1 of 1 node address' });
    const bySubnet = await clientMacCheck(true, ['10.77.0.1'], discovery, table({}), lan('10.77.0.1', '10.77.0.1/24'));
    expect(bySubnet).toMatchObject({ status: 'pass', detail: "the nodes' subnet is on eth0" });
  });

  it('fails when neither shows the nodes, naming the fix', async () => {
    const check = await clientMacCheck(true, ['10.99.0.1'], discovery, table({}), lan('10.99.0.1', '10.99.0.1/24'));
    expect(check).toMatchObject({
      status: 'fail',
      detail:
        "no neighbour entry for any of 1 node address, and no bind address (10.99.0.1) is on an interface with the nodes' subnet: every node would be refused",
      fix: 'run the service on the provisioning network itself (the macvlan deployment), not behind a router or proxy, or set VERIFY_CLIENT_MAC=false',
    });
  });

  it('warns about a node address held by a MAC that is none of its ports', async () => {
    const check = await clientMacCheck(true, ['169.254.169.254'], discovery, table({ '10.77.0.11': '02:00:00:77:00:99' }), {});
    expect(check.status).toBe('warn');
    expect(check.detail).toContain(`10.77.0.11 (node ${node.uuid} (n1)) is at 02:00:00:77:00:99, none of its ports`);
  });
});
