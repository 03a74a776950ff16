import { latencyChartSvg } from './latency-chart';
import { sampleReport } from './test-support/sample-report';

describe('latencyChartSvg', () => {
  it('draws a line and a legend entry per measured server', () => {
    const svg = latencyChartSvg(sampleReport());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(4);
    expect(svg).toContain('ironic-metadata, paced');
    expect(svg).toContain('nginx (ceiling)');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('draws only the storm when the other phases were skipped', () => {
    const svg = latencyChartSvg({ ...sampleReport(), paced: null, ceiling: null, floor: null });
    expect(svg.match(/<polyline /g)).toHaveLength(1);
  });
});
