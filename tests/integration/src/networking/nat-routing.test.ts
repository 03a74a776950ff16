import { curlIn } from './support/http-in-namespace';
import { runAdvanced } from './support/deploy-scripts';
import { NAT, useNatTopology } from './support/nat-topology';

// A node reaches 169.254.169.254 through a router that DNATs it to the service, and the service
// still sees the node's own address: the one thing that tells nodes apart.
describe('nat-routing: DNAT on a router, client addresses kept', () => {
  const nat = useNatTopology();

  it("answers the node behind the router with its own instance, seen from the node's own address", async () => {
    const reply = await curlIn(nat.lab, nat.topology.client, 'http://169.254.169.254/latest/meta-data/instance-id');
    expect(reply).toEqual({ status: 200, body: nat.topology.node.instanceUuid });
    const local = await curlIn(nat.lab, nat.topology.client, 'http://169.254.169.254/latest/meta-data/local-ipv4');
    expect(local.body).toBe(NAT.client);
    // Not the router's address: there is no SNAT or MASQUERADE on the way.
    await nat.topology.server.sawRequestFrom(NAT.client);
    expect(nat.topology.server.clientIps()).not.toContain(NAT.routerServiceSide);
  });

  it('keeps the address even when the router also masquerades everything leaving towards the service', async () => {
    const masquerade = ['-w', '-t', 'nat', '-A', 'POSTROUTING', '-o', 'to-service', '-j', 'MASQUERADE'];
    await nat.lab.must('ip', ['netns', 'exec', nat.topology.router, 'iptables', ...masquerade]);
    try {
      const reply = await curlIn(nat.lab, nat.topology.client, 'http://169.254.169.254/latest/meta-data/instance-id');
      expect(reply).toEqual({ status: 200, body: nat.topology.node.instanceUuid });
    } finally {
      await nat.lab.must('ip', [
        'netns',
        'exec',
        nat.topology.router,
        'iptables',
        ...masquerade.map((word) => (word === '-A' ? '-D' : word)),
      ]);
    }
  });

  it('changes nothing when run again', async () => {
    const rules = () => nat.lab.must('ip', ['netns', 'exec', nat.topology.router, 'iptables-save']);
    const routes = () => nat.lab.must('ip', ['-n', nat.topology.router, 'route', 'show']);
    const [rulesBefore, routesBefore] = [stripCounters(await rules()), await routes()];
    const again = await runAdvanced(nat.lab, nat.topology.router, nat.topology.configDir, ['nat-routing', NAT.service]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already has/);
    expect(again.stderr).not.toMatch(/wrote/);
    expect(stripCounters(await rules())).toBe(rulesBefore);
    expect(await routes()).toBe(routesBefore);
  });

  it('replaces its rule when the service moves, rather than leaving the old one first in line', async () => {
    const dnatTargets = async () => {
      const rules = await nat.lab.must('ip', ['netns', 'exec', nat.topology.router, 'iptables', '-w', '-t', 'nat', '-S']);
      return [...rules.matchAll(/-A (PREROUTING|OUTPUT) .*--to-destination (\S+)/g)].map((match) => `${match[1]} ${match[2]}`);
    };
    expect((await runAdvanced(nat.lab, nat.topology.router, nat.topology.configDir, ['nat-routing', '10.200.2.99'])).code).toBe(0);
    expect(await dnatTargets()).toEqual(['PREROUTING 10.200.2.99:80', 'OUTPUT 10.200.2.99:80']);
    expect((await runAdvanced(nat.lab, nat.topology.router, nat.topology.configDir, ['nat-routing', NAT.service])).code).toBe(0);
    expect(await dnatTargets()).toEqual([`PREROUTING ${NAT.service}:80`, `OUTPUT ${NAT.service}:80`]);
    expect(await curlIn(nat.lab, nat.topology.client, 'http://169.254.169.254/latest/meta-data/instance-id')).toEqual({
      status: 200,
      body: nat.topology.node.instanceUuid,
    });
  });
});

/** iptables-save without its timestamps and packet counters, which change with every request. */
function stripCounters(dump: string): string {
  return dump
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .map((line) => line.replace(/\[\d+:\d+\]/g, ''))
    .join('\n');
}
