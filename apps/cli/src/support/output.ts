/** How every command prints: aligned tables, colours only on a terminal, JSON on request. */

type Paint = (text: string) => string;

export interface Style {
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
}

const ESC = '\u001b';
const ANSI_SEQUENCE = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const ansi =
  (open: number, close: number): Paint =>
  (text) =>
    `${ESC}[${open}m${text}${ESC}[${close}m`;
const plain: Paint = (text) => text;

export const PLAIN: Style = { bold: plain, dim: plain, red: plain, green: plain, yellow: plain };
const COLOURED: Style = { bold: ansi(1, 22), dim: ansi(2, 22), red: ansi(31, 39), green: ansi(32, 39), yellow: ansi(33, 39) };

/** Colours for a stream that is a terminal, unless NO_COLOR is set (https://no-color.org); plain text for pipes and files. */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  return stream.isTTY && !env['NO_COLOR'] ? COLOURED : PLAIN;
}

/** The width a terminal shows, colour codes left out. */
export function visibleLength(text: string): number {
  return text.replace(ANSI_SEQUENCE, '').length;
}

/**
 * Columns padded to their widest cell, two spaces apart, headers dimmed. A cell may hold several
 * lines (a check's result and its fix); the row then takes as many lines, the other cells blank.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], style: Style): string {
  const split = [headers, ...rows].map((row) => row.map((cell) => cell.split('\n')));
  const widths = headers.map((_, column) => Math.max(...split.flatMap((row) => row[column].map(visibleLength))));
  const lines: string[] = [];
  split.forEach((row, rowIndex) => {
    const height = Math.max(...row.map((cell) => cell.length));
    for (let line = 0; line < height; line++) {
      const cells = row.map((cell, column) => {
        const text = cell[line] ?? '';
        return column === row.length - 1 ? text : text + ' '.repeat(widths[column] - visibleLength(text));
      });
      const joined = cells.join('  ').trimEnd();
      lines.push(rowIndex === 0 ? style.dim(joined) : joined);
    }
  });
  return `${lines.join('\n')}\n`;
}

/** `2d 3h`, `2h 5m`, `3m 20s`, `45s`: the two largest units, which is as precise as an operator needs. */
export function formatDuration(seconds: number): string {
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = Math.max(0, Math.round(seconds));
  const parts: string[] = [];
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count}${unit}`);
    if (parts.length === 2) break;
  }
  const shown = parts.filter((part, index) => index === 0 || !part.startsWith('0'));
  return shown.length > 0 ? shown.join(' ') : '0s';
}

/** The first `limit` items, then how many more: long fleets stay readable in text; JSON carries them all. */
export function listSome(items: readonly string[], limit = 10): string {
  const shown = items.slice(0, limit).join(', ');
  return items.length > limit ? `${shown} and ${items.length - limit} more` : shown;
}

/** `1 node`, `2 nodes`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
