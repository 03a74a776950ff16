import type { BenchReport } from './bench-report';

const WIDTH = 640;
const HEIGHT = 360;
const MARGIN = { left: 60, right: 150, top: 36, bottom: 44 };
/** Percentiles on a "nines" axis: 90 -> 1, 99 -> 2, 99.9 -> 3; the maximum is drawn one step after 99.99. */
const MAX_NINES = 5;

function nines(percentile: number): number {
  return percentile >= 100 ? MAX_NINES : Math.min(MAX_NINES - 1, Math.log10(100 / (100 - percentile)));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Latency by percentile for every measured server, as a small hand-written SVG: x is the percentile
 * on a log scale of nines (so the tail gets room), y the latency on a log scale.
 */
export function latencyChartSvg(report: BenchReport): string {
  const series = [
    { name: 'ironic-metadata', color: '#1f77b4', curve: report.storm.latencyCurve },
    { name: 'ironic-metadata, paced', color: '#ff7f0e', curve: report.paced?.latencyCurve },
    { name: 'nginx (ceiling)', color: '#2ca02c', curve: report.ceiling?.latencyCurve },
    { name: 'seed (floor)', color: '#d62728', curve: report.floor?.latencyCurve },
  ].flatMap((entry) => (entry.curve ? [{ ...entry, curve: entry.curve }] : []));
  const values = series.flatMap((entry) => entry.curve.map(([, ms]) => ms)).filter((ms) => ms > 0);
  const lowExponent = Math.floor(Math.log10(Math.min(...values, 1)));
  const highExponent = Math.max(lowExponent + 1, Math.ceil(Math.log10(Math.max(...values, 1))));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (percentile: number) => MARGIN.left + (nines(percentile) / MAX_NINES) * plotWidth;
  const y = (ms: number) =>
    MARGIN.top + plotHeight - ((Math.log10(Math.max(ms, 10 ** lowExponent)) - lowExponent) / (highExponent - lowExponent)) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="13">${escapeXml(`Latency by percentile: ${report.parameters.nodes} nodes, ${report.parameters.clients} clients`)}</text>`,
  ];
  for (let exponent = lowExponent; exponent <= highExponent; exponent++) {
    const ms = 10 ** exponent;
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(ms)}" y2="${y(ms)}" stroke="#ddd"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y(ms) + 4}" text-anchor="end">${ms >= 1 ? ms : ms.toFixed(-exponent)} ms</text>`);
  }
  for (const [percentile, label] of [
    [0, '0'],
    [50, '50'],
    [90, '90'],
    [99, '99'],
    [99.9, '99.9'],
    [99.99, '99.99'],
    [100, 'max'],
  ] as const) {
    parts.push(`<line x1="${x(percentile)}" x2="${x(percentile)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#eee"/>`);
    parts.push(`<text x="${x(percentile)}" y="${MARGIN.top + plotHeight + 16}" text-anchor="middle">${label}</text>`);
  }
  parts.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 8}" text-anchor="middle">percentile</text>`);
  series.forEach((entry, index) => {
    const points = entry.curve.map(([percentile, ms]) => `${x(percentile).toFixed(1)},${y(ms).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${entry.color}" stroke-width="2"/>`);
    const legendY = MARGIN.top + 10 + index * 18;
    parts.push(
      `<line x1="${WIDTH - MARGIN.right + 12}" x2="${WIDTH - MARGIN.right + 32}" y1="${legendY}" y2="${legendY}" stroke="${entry.color}" stroke-width="2"/>`,
    );
    parts.push(`<text x="${WIDTH - MARGIN.right + 36}" y="${legendY + 4}">${escapeXml(entry.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
