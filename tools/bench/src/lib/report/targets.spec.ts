import { checkTargets, scanPages } from './targets';
import { sampleReport } from './test-support/sample-report';

describe('scanPages', () => {
  it('counts the empty page that follows a full last page', () => {
    expect([1, 999, 1000, 10_000, 10_001].map(scanPages)).toEqual([1, 1, 2, 11, 11]);
  });
});

describe('checkTargets', () => {
  it("checks issue 6's targets against the figures", () => {
    const checks = Object.fromEntries(sampleReport().targets.map((target) => [target.name, target.met]));
    expect(checks).toEqual({
      'requests/s, as a share of nginx': false,
      'p99 latency in the storm': false,
      'index of 10000 nodes built': true,
      'peak RSS': false,
      'Ironic requests during the storm': false,
      'errors in the storm': true,
    });
  });

  it('leaves a target unjudged when its figure was not measured', () => {
    const unmeasured = checkTargets({ ...sampleReport(), ratios: { vsNginx: null, vsFloor: null } });
    expect(unmeasured.find((target) => target.name.startsWith('requests/s'))?.met).toBeNull();
  });
});
