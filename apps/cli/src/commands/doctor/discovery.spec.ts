import { aNode, aPort } from '@ironic-metadata/ironic-model/testing';
import { LeaseTable, NodeIndex, parseLeases, type IndexedNode } from '@ironic-metadata/node-discovery';
import { discover } from './discovery';
import { configDrivesCheck, discoverableCheck, secretsCheck, undiscoverableCheck } from './node-checks';

const entry = (node: ReturnType<typeof aNode>, extra: Partial<IndexedNode> = {}): IndexedNode => ({
  node,
  ports: [],
  portgroups: [],
  ...extra,
});

describe('discover and the node checks', () => {
  const fixed = aNode({ name: 'fixed', instance_info: { fixed_ips: ['10.0.0.1'], configdrive: { meta_data: {} } } });
  const leased = aNode({ name: 'leased' });
  const masked = aNode({ name: 'masked', instance_info: { configdrive: '******' } });
  const twinA = aNode({ name: 'twin-a', instance_info: { fixed_ips: ['10.0.0.9'] } });
  const twinB = aNode({ name: 'twin-b', instance_info: { fixed_ips: ['10.0.0.9'] } });
  const broken = aNode({ name: 'broken', instance_info: { fixed_ips: ['10.0.0.3'], configdrive: 'not base64!' } });
  const available = aNode({ name: 'available', provision_state: 'available' });
  const index = new NodeIndex(
    [
      entry(fixed),
      entry(leased, { ports: [aPort(leased, '52:54:00:00:00:02')] }),
      entry(masked, { configDriveProblem: 'the config drive is masked as "******"' }),
      entry(twinA),
      entry(twinB),
      entry(broken, { configDriveProblem: 'expected base64 of a gzipped ISO 9660 image, found invalid base64 at character 4' }),
      entry(available),
    ],
    { matchNodeName: false },
  );
  const leases = new LeaseTable(parseLeases('0 52:54:00:00:00:02 10.0.0.2 * *\n').leases);
  const discovery = discover(index, leases, { matchNodeName: false });

  it('finds each active node by an address it claims, the way a request from it would be', () => {
    expect(discovery.active).toHaveLength(6);
    expect(discovery.found.map(({ entry, ip, method }) => [entry.node.name, ip, method])).toEqual([
      ['fixed', '10.0.0.1', 'fixed_ips'],
      ['leased', '10.0.0.2', 'dhcp_lease'],
      ['broken', '10.0.0.3', 'fixed_ips'],
    ]);
    expect(discoverableCheck(discovery)).toMatchObject({
      status: 'pass',
      detail: '3 of 6 active nodes can be found: fixed_ips 2, dhcp_lease 1',
    });
  });

  it('fails the nodes no method finds, saying why for each', () => {
    const check = undiscoverableCheck(discovery);
    expect(check.status).toBe('fail');
    expect(check.data?.['nodes']).toEqual([
      {
        uuid: masked.uuid,
        name: 'masked',
        reason: expect.stringMatching(/^claims no address: .*; its config drive, which may hold its address, is masked/),
      },
      { uuid: twinA.uuid, name: 'twin-a', reason: expect.stringContaining('10.0.0.9 is claimed by several nodes') },
      { uuid: twinB.uuid, name: 'twin-b', reason: expect.stringContaining('refusing to guess') },
    ]);
    expect(check.fix).toContain('instance_info.fixed_ips');
  });

  it('fails masked config drives with the policy fix, and warns about drives that do not decode', () => {
    expect(secretsCheck(discovery)).toMatchObject({
      status: 'fail',
      data: { masked: [{ uuid: masked.uuid, name: 'masked' }] },
      fix: expect.stringContaining('"show_instance_secrets": "@"'),
    });
    expect(secretsCheck(discovery).detail).toMatch(/^1 of 3 active nodes with a config drive have it masked/);
    expect(configDrivesCheck(discovery)).toMatchObject({
      status: 'warn',
      data: { nodes: [{ uuid: broken.uuid, name: 'broken', problem: expect.stringContaining('invalid base64') }] },
    });
  });

  it('passes a fleet whose drives are readable, and warns about one with nothing to serve', () => {
    const none = discover(new NodeIndex([entry(available)], { matchNodeName: false }), new LeaseTable([]), { matchNodeName: false });
    expect(secretsCheck(none)).toMatchObject({ status: 'pass', detail: 'no active node has a config drive to check' });
    expect(discoverableCheck(none)).toMatchObject({ status: 'warn', detail: 'no node is active or deploying: there is nothing to serve' });
    expect(undiscoverableCheck(none)).toMatchObject({ status: 'pass' });
  });
});
