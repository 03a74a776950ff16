import { formatDuration, listSome, PLAIN, plural, renderTable, styleFor, visibleLength } from './output';

describe('renderTable', () => {
  it('pads every column but the last to its widest cell, two spaces apart', () => {
    expect(
      renderTable(
        ['IP', 'STATE'],
        [
          ['127.0.0.11', 'live'],
          ['::1', 'expired'],
        ],
        PLAIN,
      ),
    ).toBe('IP          STATE\n127.0.0.11  live\n::1         expired\n');
  });

  it('gives a cell of several lines as many rows, the other cells blank', () => {
    expect(renderTable(['STATUS', 'RESULT'], [['FAIL', 'masked\nfix: grant it']], PLAIN)).toBe(
      'STATUS  RESULT\nFAIL    masked\n        fix: grant it\n',
    );
  });

  it('aligns coloured cells by what the terminal shows', () => {
    const style = styleFor({ isTTY: true }, {});
    const table = renderTable(
      ['A', 'B'],
      [
        [style.green('pass'), 'x'],
        ['fail', 'y'],
      ],
      style,
    );
    const [, first, second] = table.split('\n');
    expect(visibleLength(first)).toBe(visibleLength(second));
    expect(first).toContain('\u001b[32mpass\u001b[39m  x');
  });
});

describe('styleFor', () => {
  it('colours a terminal, unless NO_COLOR is set, and never a pipe', () => {
    expect(styleFor({ isTTY: true }, {}).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(styleFor({ isTTY: true }, { NO_COLOR: '1' }).red('x')).toBe('x');
    expect(styleFor({ isTTY: false }, {}).red('x')).toBe('x');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45, '45s'],
    [200, '3m 20s'],
    [180, '3m'],
    [7500, '2h 5m'],
    [7200, '2h'],
    [93_600, '1d 2h'],
    [86_430, '1d'],
  ])('%d s is "%s"', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('listSome and plural', () => {
  it('shows the first items and counts the rest', () => {
    expect(listSome(['a', 'b', 'c'], 2)).toBe('a, b and 1 more');
    expect(listSome(['a'])).toBe('a');
  });

  it('counts nouns', () => {
    expect([plural(1, 'node'), plural(2, 'node'), plural(0, 'lease')]).toEqual(['1 node', '2 nodes', '0 leases']);
  });
});
