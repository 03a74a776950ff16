import { spawnSync } from 'node:child_process';
import { loadConfig } from '@ironic-metadata/config';
import { heapServing, tuneHeapForStart } from './heap-tuning';

const flagsFor = (env: Record<string, string>, given: string[] = []) => {
  const config = loadConfig({ INVENTORY_FILE: '/dev/null', ...env });
  const start: string[] = [];
  const serving: string[] = [];
  tuneHeapForStart(config, { set: (flag) => start.push(flag), given });
  heapServing(config, { set: (flag) => serving.push(flag), given });
  return { start, serving };
};

// A fresh node (V8's flags are the process's): keeps young objects alive through many scavenges, as
// module loading and a first index do, after the start's flags and again after the serving ones, and
// answers the largest young generation seen each time (V8's full collections may shrink it after).
const YOUNG_GENERATION_PROBE = `
  const v8 = require('node:v8');
  const churn = () => {
    let largest = 0;
    const kept = [];
    for (let round = 0; round < 30; round++) {
      kept.push(Array.from({ length: 100000 }, (_, i) => ({ i })));
      if (kept.length > 3) kept.shift();
      largest = Math.max(largest, v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size);
    }
    return largest;
  };
  const { start, serving } = JSON.parse(process.argv[1]);
  start.forEach((flag) => v8.setFlagsFromString(flag));
  const starting = churn();
  serving.forEach((flag) => v8.setFlagsFromString(flag));
  process.stdout.write(JSON.stringify({ starting, serving: churn() }));
`;

const MiB = 1024 * 1024;

describe('heap tuning (OPTIMIZE_FOR)', () => {
  it('memory: V8 favours memory, and its young generation keeps its first size until the process listens, then grows', () => {
    const flags = flagsFor({});
    expect(flags).toEqual({ start: ['--optimize-for-size', '--semi-space-growth-factor=1'], serving: ['--semi-space-growth-factor=2'] });
    const probe = spawnSync(process.execPath, ['-e', YOUNG_GENERATION_PROBE, JSON.stringify(flags)], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(probe.stderr).toBe('');
    const sizes = JSON.parse(probe.stdout) as { starting: number; serving: number };
    // Without the start's flags it grows to 32 MiB here; without the serving one it stays as it was.
    expect(sizes.starting).toBeLessThanOrEqual(2 * MiB);
    expect(sizes.serving).toBeGreaterThanOrEqual(4 * sizes.starting);
  });

  it.each(['--semi-space-growth-factor=4', '--semi_space_growth_factor=4', '-semi-space-growth-factor=4'])(
    'memory: a growth factor the operator gave node (%s) is left as given',
    (option) => {
      expect(flagsFor({}, ['--enable-source-maps', option])).toEqual({ start: ['--optimize-for-size'], serving: [] });
    },
  );

  it("speed: V8's defaults, untouched", () => {
    expect(flagsFor({ OPTIMIZE_FOR: 'speed' })).toEqual({ start: [], serving: [] });
  });
});
