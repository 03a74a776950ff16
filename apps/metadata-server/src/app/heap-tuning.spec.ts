import { spawnSync } from 'node:child_process';
import { loadConfig } from '@ironic-metadata/config';
import { heapServing, tuneHeapForStart } from './heap-tuning';

const flagsFor = (env: Record<string, string>) => {
  const config = loadConfig({ INVENTORY_FILE: '/dev/null', ...env });
  const start: string[] = [];
  const serving: string[] = [];
  tuneHeapForStart(config, (flag) => start.push(flag));
  heapServing(config, (flag) => serving.push(flag));
  return { start, serving };
};

// A fresh node (V8's flags are the process's): keeps young objects alive through many scavenges, as
// module loading and a first index do, after the start's flags and again after the serving ones.
const YOUNG_GENERATION_PROBE = `
  const v8 = require('node:v8');
  const newSpace = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
  const churn = () => {
    const kept = [];
    for (let round = 0; round < 30; round++) {
      kept.push(Array.from({ length: 100000 }, (_, i) => ({ i })));
      if (kept.length > 3) kept.shift();
    }
  };
  const { start, serving } = JSON.parse(process.argv[1]);
  start.forEach((flag) => v8.setFlagsFromString(flag));
  churn();
  const starting = newSpace();
  serving.forEach((flag) => v8.setFlagsFromString(flag));
  churn();
  process.stdout.write(JSON.stringify({ starting, serving: newSpace() }));
`;

describe('heap tuning (OPTIMIZE_FOR)', () => {
  it('memory: V8 favours memory, and its young generation keeps its first size until the process serves, then grows', () => {
    const flags = flagsFor({});
    expect(flags).toEqual({ start: ['--optimize-for-size', '--semi-space-growth-factor=1'], serving: ['--semi-space-growth-factor=2'] });
    const probe = spawnSync(process.execPath, ['-e', YOUNG_GENERATION_PROBE, JSON.stringify(flags)], { encoding: 'utf8' });
    expect(probe.stderr).toBe('');
    const sizes = JSON.parse(probe.stdout) as { starting: number; serving: number };
    expect(sizes.starting).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(sizes.serving).toBeGreaterThan(sizes.starting);
  });

  it("speed: V8's defaults, untouched", () => {
    expect(flagsFor({ OPTIMIZE_FOR: 'speed' })).toEqual({ start: [], serving: [] });
  });
});
