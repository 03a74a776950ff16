import { PassThrough } from 'node:stream';
import { aNode, aPort, aPortgroup } from '@ironic-metadata/ironic-model/testing';
import { createLogger } from '@ironic-metadata/logging';
import { NodeIndex, type IndexedNode } from '@ironic-metadata/node-discovery';
import { ClientMacCheck } from './client-mac';

function setup(neighbours: Record<string, string>) {
  const owner = aNode({ name: 'owner', instance_info: { fixed_ips: ['10.77.0.11'] } });
  const tenant = aNode({ name: 'tenant', instance_info: { fixed_ips: ['10.77.0.12'] } });
  const entries: IndexedNode[] = [
    { node: owner, ports: [aPort(owner, '02:00:00:AA:00:11')], portgroups: [aPortgroup(owner, { address: '02:00:00:aa:01:11' })] },
    { node: tenant, ports: [aPort(tenant, '02:00:00:aa:00:12')], portgroups: [] },
  ];
  const stream = new PassThrough();
  let logged = '';
  stream.on('data', (chunk: Buffer) => (logged += chunk.toString()));
  const check = new ClientMacCheck({ macFor: async (ip) => neighbours[ip] }, createLogger({ level: 'info', format: 'json', stream }));
  return { check, owner: entries[0], index: new NodeIndex(entries, { matchNodeName: false }), logs: () => logged };
}

describe('ClientMacCheck', () => {
  it("answers a client whose neighbour entry is one of its node's port or portgroup MACs", async () => {
    const { check, owner, index } = setup({ '10.77.0.11': '02:00:00:aa:00:11' });
    expect(await check.refusal('10.77.0.11', owner, index)).toBeUndefined();
    const bonded = setup({ '10.77.0.11': '02:00:00:aa:01:11' });
    expect(await bonded.check.refusal('10.77.0.11', bonded.owner, bonded.index)).toBeUndefined();
  });

  it("refuses another node's machine on the address, and logs both nodes", async () => {
    const { check, owner, index, logs } = setup({ '10.77.0.11': '02:00:00:aa:00:12' });
    expect(await check.refusal('10.77.0.11', owner, index)).toBe(
      `10.77.0.11 belongs to node ${owner.node.uuid} (owner), but this request came from MAC 02:00:00:aa:00:12, which is not one of its ports`,
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(logs()).toMatch(
      /VERIFY_CLIENT_MAC: 10\.77\.0\.11 is node \S+ \(owner\)'s address but came from 02:00:00:aa:00:12, a port of node \S+ \(tenant\): refused/,
    );
  });

  it('refuses an address with no neighbour entry, saying why', async () => {
    const { check, owner, index } = setup({});
    expect(await check.refusal('10.77.0.11', owner, index)).toBe(
      "this host has no neighbour entry for 10.77.0.11, so its MAC cannot be verified (VERIFY_CLIENT_MAC needs the service on the nodes' segment, without a proxy between)",
    );
  });

  it('refuses when the table cannot be read', async () => {
    const { owner, index } = setup({});
    const check = new ClientMacCheck(
      { macFor: async () => Promise.reject(new Error('ip: not found')) },
      createLogger({ level: 'error', stream: new PassThrough() }),
    );
    expect(await check.refusal('10.77.0.11', owner, index)).toContain(
      "the neighbour table of this host cannot be read to verify 10.77.0.11's MAC",
    );
  });
});
