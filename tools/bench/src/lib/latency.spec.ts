import { CHART_PERCENTILES, percentileCurve, summarizeLatencies } from './latency';

describe('summarizeLatencies', () => {
  it('takes percentiles by nearest rank', () => {
    const values = Array.from({ length: 1000 }, (_, index) => 1000 - index); // 1000 .. 1, unsorted
    expect(summarizeLatencies(values)).toEqual({ p50: 500, p90: 900, p99: 990, p999: 999, max: 1000, mean: 500.5 });
  });

  it('gives zeros for no values rather than failing', () => {
    expect(summarizeLatencies([])).toEqual({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 });
  });
});

describe('percentileCurve', () => {
  it('gives one point per chart percentile, from the least to the most', () => {
    const curve = percentileCurve([3, 1, 2]);
    expect(curve.map(([percentile]) => percentile)).toEqual([...CHART_PERCENTILES]);
    expect(curve[0]).toEqual([0, 1]);
    expect(curve[curve.length - 1]).toEqual([100, 3]);
  });
});
