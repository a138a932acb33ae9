// Reads the flag tables of packages/cli/README.md, so that a test can hold them against the
// commands' options. A flag table is one whose first column is `flag`; each row names one or
// more flags (`--x`), their environment variables, their default, and — in a `commands`
// column, or else the commands of its section's heading — which commands take them.

export interface FlagRow {
  /** The section heading the table is under. */
  section: string;
  flags: string[];
  envs: string[];
  defaults: string;
  commands: string[];
}

/** The commands a `## ` heading names, as `cadenza X` in backticks (`jobs show` for `cadenza jobs show`). */
function headingCommands(heading: string): string[] {
  return [...heading.matchAll(/`cadenza ([a-z ]+)`/g)].flatMap((m) => (m[1] === undefined ? [] : [m[1]]));
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());
}

/** The runs of consecutive table lines in `body`, header first, without the `---` line. */
function tables(body: string): string[][][] {
  const found: string[][][] = [];
  let current: string[][] | undefined;
  for (const line of body.split('\n')) {
    if (!line.trimStart().startsWith('|')) {
      current = undefined;
      continue;
    }
    if (/^\|[\s|:-]+\|$/.test(line.trim())) continue;
    if (current === undefined) {
      current = [];
      found.push(current);
    }
    current.push(cells(line));
  }
  return found;
}

export function flagRows(markdown: string): FlagRow[] {
  const rows: FlagRow[] = [];
  for (const section of markdown.split(/^## /m).slice(1)) {
    const heading = section.slice(0, section.indexOf('\n'));
    const own = headingCommands(heading);
    for (const [header, ...body] of tables(section)) {
      if (header?.[0] !== 'flag') continue;
      const column = (name: string) => header.indexOf(name);
      const [env, fallback, commands] = [column('environment'), column('default'), column('commands')];
      for (const row of body) {
        if (row.length !== header.length) {
          throw new Error(
            `## ${heading}: a row has ${row.length} cells, the header ${header.length}: ${row.join(' | ')}`,
          );
        }
        const named =
          commands < 0 ? own : (row[commands] ?? '').split(',').flatMap((c) => (c.trim() === 'all' ? own : [c.trim()]));
        rows.push({
          section: heading,
          flags: [...(row[0] ?? '').matchAll(/`(--[a-z0-9-]+)/g)].map((m) => m[1] as string),
          envs: [...(row[env] ?? '').matchAll(/`(CADENZA_[A-Z0-9_]+)`/g)].map((m) => m[1] as string),
          defaults: row[fallback] ?? '',
          commands: named,
        });
      }
    }
  }
  return rows;
}
