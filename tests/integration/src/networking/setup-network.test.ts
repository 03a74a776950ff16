import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE } from '../support/processes';
import { runScript, SETUP_NETWORK } from './support/deploy-scripts';
import { NetworkLab } from './support/network-lab';
import { readYamlDocuments } from './support/yaml';

const COMPOSE = join(WORKSPACE, 'deploy/docker-compose.yml');
// A VLAN-style name that `ip -o link` prints as `en0.10@peer0`, which a pattern on `ip -o link` misses.
const PRIMARY = 'en0.10';

describe('setup-network.sh: the macvlan parent is the default route interface', () => {
  let lab: NetworkLab;
  let host: string;
  let compose: string;

  beforeAll(async () => {
    lab = await NetworkLab.create();
    host = await lab.namespace('host');
    await lab.must('ip', ['-n', host, 'link', 'add', PRIMARY, 'type', 'veth', 'peer', 'name', 'peer0']);
    for (const iface of [PRIMARY, 'peer0']) await lab.must('ip', ['-n', host, 'link', 'set', iface, 'up']);
    await lab.must('ip', ['-n', host, 'addr', 'add', '10.200.9.2/24', 'dev', PRIMARY]);
    await lab.route(host, 'default', 'via', '10.200.9.1');
    expect(await lab.must('ip', ['-n', host, '-o', 'link', 'show', PRIMARY])).toContain(`${PRIMARY}@peer0`);
    compose = join(lab.dir, 'docker-compose.yml');
    copyFileSync(COMPOSE, compose);
  });
  afterAll(() => lab?.destroy());

  it('prints the change under --dry-run and writes nothing', async () => {
    const result = await runScript(lab, host, SETUP_NETWORK, ['--dry-run', '--compose', compose]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^-\s+parent: eth0$/m);
    expect(result.stdout).toMatch(/^\+\s+parent: "en0\.10"$/m);
    expect(readFileSync(compose, 'utf8')).toBe(readFileSync(COMPOSE, 'utf8'));
  });

  it('writes the interface into the macvlan network and nothing else', async () => {
    const result = await runScript(lab, host, SETUP_NETWORK, ['--compose', compose]);
    expect(result.code).toBe(0);
    const [written] = await readYamlDocuments(compose);
    expect(written.networks.provisioning.driver_opts.parent).toBe(PRIMARY);
    const changed = diffLines(readFileSync(COMPOSE, 'utf8'), readFileSync(compose, 'utf8'));
    expect(changed).toEqual([['      parent: eth0', '      parent: "en0.10"']]);
  });

  it('changes nothing when run again', async () => {
    const before = readFileSync(compose, 'utf8');
    const result = await runScript(lab, host, SETUP_NETWORK, ['--compose', compose]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/already en0\.10/);
    expect(readFileSync(compose, 'utf8')).toBe(before);
  });

  it('refuses clearly where there is no default route', async () => {
    const isolated = await lab.namespace('isolated');
    const result = await runScript(lab, isolated, SETUP_NETWORK, ['--compose', compose]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/no default route here, so no primary interface: pass --interface IFACE/);
  });
});

/** The lines that differ between two texts of the same length, as [before, after] pairs. */
function diffLines(before: string, after: string): [string, string][] {
  const [a, b] = [before.split('\n'), after.split('\n')];
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, i): [string, string][] => (line === b[i] ? [] : [[line, b[i]]]));
}
