import { runScript, VALIDATE } from './support/deploy-scripts';
import { NAT, useNatTopology } from './support/nat-topology';

const checkLines = (output: string) => output.split('\n').filter((line) => /^(PASS|FAIL|SKIP) /.test(line));

describe('validate-networking.sh', () => {
  const nat = useNatTopology();

  it('passes every check on the router of the NAT topology, the admin listener included', async () => {
    const result = await runScript(nat.lab, nat.topology.router, VALIDATE, ['--admin-url', `http://${NAT.service}:${NAT.adminPort}`]);
    expect(checkLines(result.stdout).filter((line) => line.startsWith('FAIL'))).toEqual([]);
    expect(result.stdout).toMatch(/PASS {2}169\.254\.169\.254 held here or DNATed/);
    expect(result.stdout).toMatch(/PASS {2}client address kept \(no SNAT\)/);
    expect(result.stdout).toMatch(/PASS {2}admin \/readyz/);
    expect(result.code).toBe(0);
  });

  it('passes --quick on the node behind the router', async () => {
    const result = await runScript(nat.lab, nat.topology.client, VALIDATE, ['--quick']);
    expect(result.stdout).toMatch(/validate-networking\.sh: 4 passed, 0 failed, 1 skipped/);
    expect(result.code).toBe(0);
  });

  it('runs every check and fails each one that fails, where nothing is set up', async () => {
    const empty = await nat.lab.namespace('empty');
    const result = await runScript(nat.lab, empty, VALIDATE, [], { TIMEOUT: '1' });
    const lines = checkLines(result.stdout);
    // Not stopped by its first failure: every check reports, then the summary.
    expect(lines).toHaveLength(10);
    expect(lines.filter((line) => line.startsWith('FAIL')).map((line) => line.split('  ')[1])).toEqual([
      'route to 169.254.169.254',
      'metadata answers',
      'OpenStack tree answers',
      '169.254.169.254 held here or DNATed',
    ]);
    expect(result.stdout).toMatch(/validate-networking\.sh: 1 passed, 4 failed, 5 skipped/);
    expect(result.code).toBe(1);
  });

  it('fails the keep-source check when a MASQUERADE comes before the exception', async () => {
    const rule = ['-w', '-t', 'nat', '-I', 'POSTROUTING', '1', '-o', 'to-service', '-j', 'MASQUERADE'];
    await nat.lab.must('ip', ['netns', 'exec', nat.topology.router, 'iptables', ...rule]);
    try {
      const result = await runScript(nat.lab, nat.topology.router, VALIDATE, []);
      expect(result.stdout).toMatch(/FAIL {2}client address kept \(no SNAT\) {2}-- POSTROUTING rule 1 rewrites source addresses/);
      expect(result.code).toBe(1);
    } finally {
      await nat.lab.must('ip', [
        'netns',
        'exec',
        nat.topology.router,
        'iptables',
        '-w',
        '-t',
        'nat',
        '-D',
        'POSTROUTING',
        '-o',
        'to-service',
        '-j',
        'MASQUERADE',
      ]);
    }
  });
});
