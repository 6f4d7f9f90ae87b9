import { readFileSync } from 'node:fs';
import path from 'node:path';

export const README_PATH = path.resolve(import.meta.dirname, '../../README.md');

export interface CodeBlock {
  lang: string;
  code: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

/** Every fenced code block of the README (indented ones too), in order. */
export function readmeBlocks(): CodeBlock[] {
  const lines = readFileSync(README_PATH, 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !/^\s*```\s*$/.test(lines[i])) body.push(lines[i].slice(indent));
    blocks.push({ lang: open[2], code: body.join('\n'), line: start + 1 });
  }
  return blocks;
}

/** The README's examples talk to the default address; the test's API listens on a spare port. */
export function atAddress(code: string, httpBase: string): string {
  return code.replaceAll('http://127.0.0.1:3000', httpBase).replaceAll('ws://127.0.0.1:3000', httpBase.replace(/^http/, 'ws'));
}

/** Lines of a command's output that are JSON error envelopes: an example that answered an error. */
export function errorAnswers(output: string): string[] {
  return output.split('\n').filter((line) => {
    try {
      return Boolean(JSON.parse(line)?.error);
    } catch {
      return false;
    }
  });
}
