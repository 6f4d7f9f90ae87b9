/** Columns padded to their widest cell, headed by their titles: `ls` answers. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const format = (cells: string[]) => cells.map((c, i) => pad(c, widths[i])).join('  ').trimEnd();
  return [format(headers), ...rows.map(format)].join('\n');
}

/**
 * A table printed a row at a time, as rows arrive (epochs over the WebSocket): the widths are
 * fixed up front since earlier rows are already on the screen.
 */
export function streamingTable(columns: { title: string; width: number }[]) {
  const format = (cells: string[]) => cells.map((c, i) => pad(c, columns[i].width)).join('  ').trimEnd();
  return {
    header: () => format(columns.map((c) => c.title)),
    row: (cells: string[]) => format(cells),
  };
}

const ANSI = /\u001b\[[0-9;]*m/g;
const visibleLength = (text: string) => text.replace(ANSI, '').length;
const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - visibleLength(text)));
