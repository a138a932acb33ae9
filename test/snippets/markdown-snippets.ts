/**
 * The code blocks of the project's Markdown, with the marker that says how each one is run.
 * A block tagged as code (js, sh, json…) must follow a marker line
 * `<!-- snippet: KIND -->`, where KIND is
 *   node           runs by itself (JavaScript as an .mjs file; JSON must parse)
 *   redis          runs while a redis-server and a coordinator and worker serve it
 *   dev            runs while a `cadenza dev` serves it
 *   module         a module file (a handlers file): it must load and have a default export
 *   skip: REASON   not run, for the reason given
 * so that no snippet is left unchecked by accident. Untagged and `text` blocks are not code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const KINDS = ['node', 'redis', 'dev', 'module', 'skip'] as const;
export type Kind = (typeof KINDS)[number];

/** The fence tags that mark code a reader would run or paste. */
const CODE_TAGS = new Set(['js', 'mjs', 'javascript', 'ts', 'typescript', 'sh', 'bash', 'shell', 'console', 'json']);

export interface Snippet {
  /** Relative to the repository root, with the line of the opening fence: `README.md:42`. */
  where: string;
  lang: string;
  /** Undefined when the block has no marker (a failure of its own). */
  kind: Kind | undefined;
  /** What follows `skip:`; for other kinds, anything written after the kind. */
  reason: string;
  code: string;
}

const MARKER = /^<!--\s*snippet:\s*([a-z]+)\s*(?::\s*(.*?))?\s*-->$/;

export function snippetsOf(markdown: string, file: string): Snippet[] {
  const lines = markdown.split('\n');
  const found: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? '');
    if (open === null) continue;
    const lang = (open[1] ?? '').toLowerCase();
    const close = lines.findIndex((line, j) => j > i && /^```\s*$/.test(line));
    if (close === -1) throw new Error(`${file}:${i + 1}: a code block that never closes`);
    if (CODE_TAGS.has(lang)) {
      let above = i - 1;
      while (above >= 0 && (lines[above] ?? '').trim() === '') above--;
      const marker = MARKER.exec((lines[above] ?? '').trim());
      const kind = KINDS.find((k) => k === marker?.[1]);
      found.push({
        where: `${file}:${i + 1}`,
        lang,
        kind,
        reason: marker?.[2] ?? '',
        code: lines.slice(i + 1, close).join('\n'),
      });
    }
    i = close;
  }
  return found;
}

/** README.md, every package's README.md and docs/*.md. */
export function projectMarkdown(root: string): string[] {
  const packages = readdirSync(join(root, 'packages')).map((dir) => join(root, 'packages', dir, 'README.md'));
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(root, 'docs', f));
  return [join(root, 'README.md'), ...packages, ...docs].map((path) => relative(root, path));
}

export function projectSnippets(root: string): Snippet[] {
  return projectMarkdown(root).flatMap((file) => snippetsOf(readFileSync(join(root, file), 'utf8'), file));
}
