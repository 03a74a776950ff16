import { formatTable } from './table';
import { sampleReport } from './test-support/sample-report';

describe('formatTable', () => {
  it('prints a line a figure, with the target and whether it was met', () => {
    const lines = formatTable(sampleReport({ errorSamples: { ECONNRESET: 2 } })).split('\n');
    expect(lines[0]).toBe(
      'ironic-metadata boot storm: 10000 nodes, 256 clients, 38 requests per boot, a new connection per request (as cloud-init)',
    );
    expect(lines.find((line) => line.startsWith('cold start: index of 10000 nodes served'))).toMatch(/4\.50 s\s+< 10 s\s+met$/);
    expect(lines.find((line) => line.startsWith('storm: latency p50 / p99 / max'))).toMatch(
      /62\.50 \/ 250\.00 \/ 750\.0 ms\s+p99 < 10 ms\s+MISSED$/,
    );
    expect(lines.find((line) => line.startsWith("paced: open loop at 0.5 of the storm's rate: latency"))).toMatch(
      /1\.00 \/ 4\.00 \/ 12\.0 ms\s+p99 < 10 ms\s+met$/,
    );
    expect(lines.find((line) => line.startsWith('ours / nginx requests/s'))).toMatch(/0\.30\s+>= 0\.5\s+MISSED$/);
    expect(lines.find((line) => line.startsWith('ours / floor requests/s'))).toMatch(/2,000x/);
    expect(lines.find((line) => line.startsWith('keep-alive: service, 256 conn.: p50 / p99 / max'))).toMatch(
      /5\.00 \/ 20\.00 \/ 60\.0 ms\s+p99 < 10 ms\s+31,000 requests\/s, CPU 190%, event-loop delay p99 10\.0 ms, longest GC pause 5\.0 ms \(minor\), MISSED$/,
    );
    expect(lines.find((line) => line.startsWith('keep-alive 256 conn.: service / bare node:http'))).toMatch(/0\.50\s+>= 0\.7\s+MISSED$/);
    expect(lines.find((line) => line.startsWith('storm: event-loop delay p99 (worst process)'))).toMatch(
      /12\.0 ms\s+longest GC pause 9\.0 ms \(major\)$/,
    );
    expect(lines.find((line) => line.startsWith('storm: Ironic requests per sync'))).toMatch(/23\.0\s+<= 11 \(one scan\)\s+MISSED$/);
    expect(lines[lines.length - 1]).toBe('  storm error: 2 x ECONNRESET');
  });

  it('leaves out the phases that were skipped', () => {
    const table = formatTable({ ...sampleReport(), paced: null, ceiling: null, floor: null, keepAlive: null });
    expect(table).not.toMatch(/paced|nginx|floor|keep-alive/);
  });
});
