import { checkTargets, scanPages, scansWithin } from './targets';
import { sampleReport } from './test-support/sample-report';

describe('scanPages', () => {
  it('counts the empty page that follows a full last page', () => {
    expect([1, 999, 1000, 10_000, 10_001].map(scanPages)).toEqual([1, 1, 2, 11, 11]);
  });
});

describe('scansWithin', () => {
  it('allows a scan for each sync interval begun, the first at once', () => {
    expect([0, 29.9, 30, 64.1].map((seconds) => scansWithin(seconds, 30))).toEqual([1, 1, 2, 3]);
  });
});

describe('checkTargets', () => {
  it("checks issues 6 and 16's targets against the figures", () => {
    const checks = Object.fromEntries(sampleReport().targets.map((target) => [target.name, target.met]));
    expect(checks).toEqual({
      'requests/s, as a share of nginx': false,
      'keep-alive requests/s at 256 connections, as a share of nginx': false,
      'keep-alive requests/s at 256 connections, as a share of bare node:http': false,
      'keep-alive p99 at 256 connections': false,
      'paced p99': true,
      'slowest paced request, a sync running': true,
      'p99 latency in the storm': false,
      'index of 10000 nodes built': true,
      'peak RSS': false,
      'peak PSS': false,
      'Ironic requests during the storm': false,
      'Ironic requests per sync': false,
      'errors in the storm': true,
    });
  });

  it("holds the storm's Ironic requests to one scan per sync interval, however long it lasts", () => {
    const during = (ironicSeconds: number, ironicRequests: number, syncIntervalSeconds = 30) =>
      sampleReport({ ironicSeconds, ironicRequests, syncIntervalSeconds }).targets.find(
        (target) => target.name === 'Ironic requests during the storm',
      );
    expect(during(64.1, 33)).toMatchObject({ limit: '<= 33 (3 scans, one per 30 s)', met: true });
    expect(during(64.1, 34)?.met).toBe(false);
    expect(during(10, 11)).toMatchObject({ limit: '<= 11 (one scan, one per 30 s)', met: true });
    // The service's own interval, not a default: at 10 s the same storm may see seven scans.
    expect(during(64.1, 77, 10)).toMatchObject({ limit: '<= 77 (7 scans, one per 10 s)', met: true });
  });

  it('holds 100,000 nodes to their own limits', () => {
    const report = sampleReport({ peakRssMiB: 900, peakPssMiB: 1100 });
    const large = checkTargets({
      ...report,
      parameters: { ...report.parameters, nodes: 100_000 },
      coldStart: { ...report.coldStart, seconds: 12 },
    });
    expect(large.filter((target) => /^(index|peak)/.test(target.name)).map((target) => [target.limit, target.met])).toEqual([
      ['< 15 s', true],
      ['< 1024 MiB', true],
      ['< 1024 MiB', false],
    ]);
  });

  it('leaves a target unjudged when its figure was not measured', () => {
    const report = sampleReport();
    const unmeasured = checkTargets({
      ...report,
      ratios: { vsNginx: null, vsFloor: null },
      paced: report.paced && { ...report.paced, syncs: 0 },
    });
    expect(unmeasured.find((target) => target.name.startsWith('requests/s'))?.met).toBeNull();
    // No sync during the paced phase: its slowest request says nothing of one.
    expect(unmeasured.find((target) => target.name.startsWith('slowest paced'))?.met).toBeNull();
  });
});
