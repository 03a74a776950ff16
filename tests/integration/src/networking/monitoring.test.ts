import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMetadataServer, type RunningServer } from '../support/metadata-server';
import { runToExit, WORKSPACE } from '../support/processes';
import { readYamlDocuments } from './support/yaml';

const PROMETHEUS_DIR = join(WORKSPACE, 'deploy/prometheus');
const RULES = join(PROMETHEUS_DIR, 'ironic-metadata-alerts.yml');
const DASHBOARD = join(WORKSPACE, 'deploy/grafana/ironic-metadata-dashboard.json');
const INVENTORY = join(WORKSPACE, 'apps/metadata-server/example/inventory.json');

/** Every metric a PromQL expression names (`metadata_*`; Prometheus's own `up` aside), histogram suffixes dropped. */
function metricNames(expression: string): string[] {
  return [...expression.matchAll(/\b(metadata_[a-z0-9_]+?)(?:_bucket|_sum|_count)?\b(?=\s*[{[)\s]|$)/g)].map((match) => match[1]);
}

describe('alerting rules and the Grafana dashboard (deploy/prometheus, deploy/grafana)', () => {
  let server: RunningServer;
  let exported: Set<string>;

  beforeAll(async () => {
    server = await startMetadataServer({ INVENTORY_FILE: INVENTORY });
    const metrics = await (await fetch(`${server.adminUrl}/metrics`)).text();
    exported = new Set([...metrics.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));
  });
  afterAll(() => server?.stop());

  it('passes promtool check rules and its unit tests (promtool test rules)', async () => {
    const check = await runToExit('promtool', ['check', 'rules', RULES]);
    expect(check).toMatchObject({ code: 0 });
    expect(check.stdout).toContain('SUCCESS: 8 rules found');
    const test = await runToExit('promtool', ['test', 'rules', join(PROMETHEUS_DIR, 'ironic-metadata-alerts.test.yml')]);
    expect(`${test.stdout}${test.stderr}`).toContain('SUCCESS');
    expect(test.code).toBe(0);
  });

  it('every alert and its unit test name metrics the service exports', async () => {
    const [rules] = await readYamlDocuments(RULES);
    const alerts = rules.groups.flatMap((group: { rules: { alert: string; expr: string }[] }) => group.rules);
    const used: string[] = alerts.flatMap((rule: { expr: string }) => metricNames(rule.expr));
    expect(new Set(used).size).toBeGreaterThanOrEqual(4);
    expect(used.filter((name) => !exported.has(name))).toEqual([]);
    const [tests] = await readYamlDocuments(join(PROMETHEUS_DIR, 'ironic-metadata-alerts.test.yml'));
    const series = tests.tests.flatMap((test: { input_series?: { series: string }[] }) =>
      (test.input_series ?? []).map((input) => input.series),
    );
    for (const name of series.flatMap(metricNames)) expect(exported).toContain(name);
  });

  it('every panel of the dashboard queries metrics the service exports', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
    const expressions: string[] = dashboard.panels.flatMap((panel: { targets: { expr: string }[] }) =>
      panel.targets.map((target) => target.expr),
    );
    expect(expressions.length).toBeGreaterThanOrEqual(dashboard.panels.length);
    const used = expressions.flatMap(metricNames);
    expect(used.filter((name) => !exported.has(name))).toEqual([]);
    // Each metric the service exports is on the dashboard.
    expect([...exported].filter((name) => name.startsWith('metadata_') && !used.includes(name))).toEqual([]);
  });
});
