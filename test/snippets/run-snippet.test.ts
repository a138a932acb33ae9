// The snippet runner itself: it must catch the faults the snippet test exists for.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snippetsOf } from './markdown-snippets.js';
import { runJavaScript, runShell, scratchFolder } from './run-snippet.js';

let scratch: string;
beforeAll(() => {
  scratch = scratchFolder();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('snippetsOf', () => {
  it('reads each code block with the marker above it, and leaves a block without one unmarked', () => {
    const markdown = [
      '<!-- snippet: node -->',
      '```js',
      "console.log('a');",
      '```',
      '',
      '<!-- snippet: skip: runs until Ctrl-C -->',
      '',
      '```sh',
      'cadenza dev',
      '```',
      '```sh',
      'curl localhost:8080',
      '```',
      '```text',
      'not code',
      '```',
    ].join('\n');
    expect(snippetsOf(markdown, 'X.md')).toEqual([
      { where: 'X.md:2', lang: 'js', kind: 'node', reason: '', code: "console.log('a');" },
      { where: 'X.md:8', lang: 'sh', kind: 'skip', reason: 'runs until Ctrl-C', code: 'cadenza dev' },
      { where: 'X.md:11', lang: 'sh', kind: undefined, reason: '', code: 'curl localhost:8080' },
    ]);
  });

  it('refuses a block that never closes', () => {
    expect(() => snippetsOf('```js\nlet a;\n', 'Y.md')).toThrow('Y.md:1: a code block that never closes');
  });
});

describe('the runner', () => {
  it('reports a snippet that does not exit by itself (a client left open) as hung', async () => {
    const ran = await runJavaScript(scratch, 'setInterval(() => {}, 1000);', {}, 500);
    expect(ran.hung).toBe(true);
  });

  it('imports the @cadenza packages as an installed user would', async () => {
    const ran = await runJavaScript(
      scratch,
      "import { nextFireTimes } from '@cadenza/core'; console.log(typeof nextFireTimes);",
    );
    expect({ code: ran.code, stdout: ran.stdout.trim() }).toEqual({ code: 0, stdout: 'function' });
  });

  it('ends what a shell snippet left running in the background, and fails on a failing command', async () => {
    const ran = await runShell(scratch, 'sleep 600 &\necho $!');
    const pid = Number(ran.stdout.trim());
    expect(ran.code).toBe(0);
    expect(() => process.kill(pid, 0)).toThrow();
    expect((await runShell(scratch, 'false\necho unreachable')).code).not.toBe(0);
  });

  it('puts cadenza on the PATH', async () => {
    const ran = await runShell(scratch, 'cadenza --version');
    expect({ code: ran.code, stdout: ran.stdout.trim() }).toEqual({ code: 0, stdout: '0.1.0' });
  });
});
