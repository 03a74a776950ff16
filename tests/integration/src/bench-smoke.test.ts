import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { runToExit, WORKSPACE } from './support/processes';

// The boot-storm benchmark is a tool that prints figures, not a timed test: this runs it small, so that
// it keeps working (simulator, server, load client, report), and judges no figure but the errors.
const BENCH = join(WORKSPACE, 'dist/tools/bench/main.js');

function nginxInstalled(): boolean {
  return [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin'].some((directory) => {
    try {
      accessSync(join(directory, 'nginx'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

describe('the boot-storm benchmark, run small', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('prints its table and writes a report with every figure, and the storm has no errors', async () => {
    const out = join(directory, 'smoke.json');
    // nginx is optional here: the ceiling is measured when Debian's nginx is installed.
    const nginx = nginxInstalled() ? [] : ['--skip-nginx'];
    const args = [
      BENCH,
      '--nodes',
      '200',
      '--clients',
      '20',
      '--max-seconds',
      '30',
      '--floor-clients',
      '2',
      '--floor-seconds',
      '2',
      '--paced-seconds',
      '2',
      '--keep-alive-seconds',
      '1',
      '--workers',
      '2',
      '--out',
      out,
      ...nginx,
    ];
    const exit = await runToExit(process.execPath, args, { timeoutMs: 110_000 });
    expect({ code: exit.code, stderr: exit.code === 0 ? '' : exit.stderr }).toEqual({ code: 0, stderr: '' });

    expect(exit.stdout).toMatch(/^ironic-metadata boot storm: 200 nodes, 20 clients, \d+ requests per boot/);
    expect(exit.stdout).toMatch(/^cold start: index of 200 nodes served\s+\d+\.\d+ s/m);
    expect(exit.stdout).toMatch(/^storm: requests\/s\s+[\d,]+/m);
    expect(exit.stdout).toMatch(/^floor: a full listing per request: requests\/s/m);
    expect(exit.stdout).toMatch(/^keep-alive: service, 256 conn\.: p50 \/ p99 \/ max\s+[\d.,]+ \/ [\d.,]+ \/ [\d.,]+ ms/m);
    expect(exit.stdout).toMatch(/^keep-alive 256 conn\.: service \/ bare node:http\s+\d+\.\d\d/m);

    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining([
        'parameters',
        'machine',
        'code',
        'sequence',
        'coldStart',
        'storm',
        'paced',
        'ceiling',
        'floor',
        'ratios',
        'targets',
      ]),
    );
    expect(report.storm).toMatchObject({ errors: 0, bootsCompleted: 200, requests: 200 * report.sequence.requestsPerBoot });
    expect(report.storm.requestsPerSecond).toBeGreaterThan(0);
    expect(report.storm.latencyMs.p99).toBeGreaterThan(0);
    expect(report.storm.peakRssMiB).toBeGreaterThan(0);
    expect(report.paced).toMatchObject({ errors: 0, share: 0.5 });
    expect(report.paced.bootsCompleted).toBeGreaterThan(0);
    // Nodes redeployed during the phase, and the sync forced halfway to pick them up.
    expect(report.paced.redeployed).toBeGreaterThan(0);
    expect(report.paced.syncs).toBeGreaterThan(0);
    expect(report.coldStart.ironicRequests).toBeGreaterThan(0);
    // cloud-init's crawl: the OpenStack files, then EC2's tree down to the node's MAC.
    expect(report.sequence.paths).toEqual(
      expect.arrayContaining(['/openstack/2018-08-27/meta_data.json', '/latest/meta-data/instance-id']),
    );
    expect(report.floor.requests).toBeGreaterThan(0);
    // wrk: every answer a 200, from the service (two workers), the bare node:http server and nginx.
    expect(report.keepAlive.service.map((run: { connections: number; errors: number }) => [run.connections, run.errors])).toEqual([
      [64, 0],
      [256, 0],
    ]);
    expect(report.keepAlive.bareNode.map((run: { errors: number }) => run.errors)).toEqual([0, 0]);
    expect(typeof report.keepAlive.service[1].eventLoopDelayP99Ms).toBe('number'); // read from the service's /metrics
    if (nginx.length === 0) expect(report.ceiling).toMatchObject({ errors: 0, bootsCompleted: 200 });
    expect(readFileSync(out.replace(/\.json$/, '.svg'), 'utf8')).toMatch(/^<svg /);
  });
});
