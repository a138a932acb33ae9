// A small reader of the repository's Dockerfile, enough for the checks in
// dockerfile.test.ts: comments dropped, continued lines joined, instructions grouped by
// stage. (No Dockerfile parser in the lockfile; the file keeps to plain forms.)

export interface Instruction {
  /** Upper case: FROM, RUN, ENV, USER, … */
  keyword: string;
  /** The rest of the instruction, continuation lines joined with a space. */
  args: string;
}

export interface Stage {
  /** The FROM line's image, as written (`${NODE_IMAGE}`). */
  from: string;
  /** `AS name`, when given. */
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARG lines before the first FROM: name → default. */
  globalArgs: Map<string, string>;
  stages: Stage[];
}

export function readDockerfile(text: string): Dockerfile {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push((pending + line).trim());
    pending = '';
  }
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical) {
    if (line === '') continue;
    const [keyword = '', args = ''] = line.split(/\s+(.*)/s, 2);
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const [from = '', as, name] = args.split(/\s+/);
      stages.push({ from, ...(as?.toUpperCase() === 'AS' && name !== undefined ? { name } : {}), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) {
      if (upper === 'ARG') {
        const [argName = '', value = ''] = args.split(/=(.*)/s, 2);
        globalArgs.set(argName, value);
      }
      continue;
    }
    stage.instructions.push({ keyword: upper, args });
  }
  return { globalArgs, stages };
}

/** `KEY=value KEY2=value2` (the form the Dockerfile uses for ENV and LABEL): key → value, quotes removed. */
export function keyValues(args: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_.-]*)=("[^"]*"|\S*)/g)) {
    pairs.set(match[1] ?? '', (match[2] ?? '').replace(/^"(.*)"$/, '$1'));
  }
  return pairs;
}

/** The instructions of a stage with this keyword. */
export function all(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}
