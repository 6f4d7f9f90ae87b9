import { describe, expect, it } from 'vitest';
import { childExecArgv } from '../../src/startup/child-exec-argv.ts';

describe('childExecArgv', () => {
  it("keeps tsx's loader and drops --eval", () => {
    const tsx = ['--require', '/x/tsx/dist/preflight.cjs', '--import', 'file:///x/tsx/dist/loader.mjs'];
    expect(childExecArgv([...tsx, '--eval', 'console.log(1)'])).toEqual(tsx);
    expect(childExecArgv([...tsx, '--print=1'])).toEqual(tsx);
  });

  it('adds tsx when the parent runs TypeScript without it', () => {
    expect(childExecArgv(['--conditions', 'node', '--max-old-space-size=4096'])).toEqual(['--conditions', 'node', '--max-old-space-size=4096', '--import', 'tsx']);
  });
});
