/**
 * ANSI colours, only where a person reads them: on a terminal, unless `noColor` (NO_COLOR or
 * `TERM=dumb`). Piped output and files stay plain text.
 */
export interface Colours {
  green: (text: string) => string;
  red: (text: string) => string;
  yellow: (text: string) => string;
  dim: (text: string) => string;
  bold: (text: string) => string;
}

const paint = (on: boolean, open: number, close: number) => (text: string) => (on ? `\u001b[${open}m${text}\u001b[${close}m` : text);

export function colours(stream: NodeJS.WriteStream, noColor: boolean): Colours {
  const on = Boolean(stream.isTTY) && !noColor;
  return { green: paint(on, 32, 39), red: paint(on, 31, 39), yellow: paint(on, 33, 39), dim: paint(on, 2, 22), bold: paint(on, 1, 22) };
}
