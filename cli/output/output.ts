import { colours, type Colours } from './colours.ts';

/**
 * How a command answers: with `--json`, one JSON document (or one per line when it streams)
 * on stdout for scripts; otherwise text for people. Progress and notes go to stderr so that
 * stdout stays the answer either way.
 */
export interface Output {
  json: boolean;
  colours: Colours;
  /** Colours for stderr, which may be a terminal when stdout is not. */
  errorColours: Colours;
  /** A line of the human answer (never printed with --json). */
  line: (text?: string) => void;
  /** The answer: JSON with --json, else what `human` prints. */
  answer: (value: unknown, human: () => void) => void;
  /** One JSON line of a streamed answer (--json only). */
  jsonLine: (value: unknown) => void;
  /** A note for the person at the terminal, on stderr. */
  note: (text: string) => void;
}

export function createOutput(json: boolean, noColor: boolean): Output {
  const write = (text: string) => process.stdout.write(`${text}\n`);
  return {
    json,
    colours: colours(process.stdout, noColor || json),
    errorColours: colours(process.stderr, noColor),
    line: (text = '') => {
      if (!json) write(text);
    },
    answer: (value, human) => (json ? write(JSON.stringify(value, null, 2)) : human()),
    jsonLine: (value) => write(JSON.stringify(value)),
    note: (text) => {
      if (!json) process.stderr.write(`${text}\n`);
    },
  };
}
