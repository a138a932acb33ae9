// The Dockerfile and .dockerignore at the repository's root, checked without a container
// engine: the image is multi-stage, runs as a user other than root, has `cadenza` as its
// entrypoint, exposes the CLI's default port and sets only variables the CLI maps to its
// flags; the build context leaves out what is installed, built or private. Building and
// running the image is deploy/container/check-image.sh (minutes, so not in CI).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '@cadenza/cli';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../process/cadenza-process.js';
import { defaultOf } from './cli-flags.js';
import { all, keyValues, readDockerfile, type Stage } from './dockerfile-reader.js';

const dockerfile = readDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const runtime = dockerfile.stages.at(-1) as Stage;
const build = dockerfile.stages[0] as Stage;
const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  packageManager: string;
  engines: { node: string };
};
const cliPackage = JSON.parse(readFileSync(join(ROOT, 'packages', 'cli', 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
};

/** Every environment variable any cadenza command maps to a flag (admin verbs too). */
function cliEnvNames(): Set<string> {
  const names = new Set<string>();
  const visit = (command: ReturnType<typeof buildProgram>) => {
    for (const option of command.options) if (option.envVar !== undefined) names.add(option.envVar);
    for (const sub of command.commands) visit(sub);
  };
  visit(buildProgram());
  return names;
}

/** How the Dockerfile writes the value of build argument `name`. */
const arg = (name: string) => `\${${name}}`;

/** The ENV of a stage, all its ENV instructions together. */
function envOf(stage: Stage): Map<string, string> {
  return new Map(all(stage, 'ENV').flatMap((i) => [...keyValues(i.args)]));
}

describe('Dockerfile', () => {
  it('has a build stage and a runtime stage, both on the NODE_IMAGE argument, a slim Node of the major the engines field names', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(build.name).toBe('build');
    for (const stage of dockerfile.stages) expect(stage.from).toBe(arg('NODE_IMAGE'));
    const major = /(\d+)/.exec(rootPackage.engines.node)?.[1];
    expect(dockerfile.globalArgs.get('NODE_IMAGE')).toBe(`node:${major}-bookworm-slim`);
  });

  it('builds from the lockfile with the pnpm of packageManager, and installs production dependencies only', () => {
    const runs = all(build, 'RUN').map((i) => i.args);
    const pnpm = rootPackage.packageManager; // pnpm@X.Y.Z
    expect(runs.some((r) => r.includes(`npx -y ${pnpm} install --frozen-lockfile`))).toBe(true);
    expect(runs.some((r) => r.includes(`npx -y ${pnpm} build`))).toBe(true);
    expect(runs.some((r) => /npm install --omit=dev --omit=peer /.test(r))).toBe(true);
    // The runtime stage takes the production install, never the build context or the workspace.
    const copies = all(runtime, 'COPY').map((i) => i.args);
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) expect(copy).toMatch(/^--from=build \/out\//);
  });

  it('runs as a user other than root, who owns the writable /app/data', () => {
    const users = all(runtime, 'USER').map((i) => i.args);
    expect(users).toHaveLength(1);
    const [uid = '', gid = ''] = (users[0] ?? '').split(':');
    expect(uid).toMatch(/^\d+$/); // numeric, so that Kubernetes' runAsNonRoot can check it
    expect(['0', 'root']).not.toContain(uid);
    expect(['0', 'root']).not.toContain(gid);
    const setup = all(runtime, 'RUN')
      .map((i) => i.args)
      .join(' ');
    expect(setup).toContain(`useradd --uid ${uid} `);
    expect(setup).toContain(`chown ${uid}:${gid} /app/data`);
    expect(all(runtime, 'WORKDIR').map((i) => i.args)).toEqual(['/app']);
  });

  it('has cadenza as its entrypoint, the command the CLI package installs, and --help as its command', () => {
    expect(Object.keys(cliPackage.bin)).toContain('cadenza');
    expect(all(runtime, 'ENTRYPOINT').map((i) => JSON.parse(i.args))).toEqual([['cadenza']]);
    expect(all(runtime, 'CMD').map((i) => JSON.parse(i.args))).toEqual([['--help']]);
    // The production install's .bin is where `cadenza` is found.
    expect(envOf(runtime).get('PATH')).toMatch(/^\/app\/node_modules\/\.bin:/);
  });

  it("exposes the API's default port, the one dev and server listen on", () => {
    const port = defaultOf('server', '--port');
    expect(port).toBeDefined();
    expect(defaultOf('dev', '--port')).toBe(port);
    expect(all(runtime, 'EXPOSE').map((i) => i.args)).toEqual([port]);
  });

  it('sets NODE_ENV=production and only CADENZA_ variables the CLI maps to a flag', () => {
    const env = envOf(runtime);
    expect(env.get('NODE_ENV')).toBe('production');
    const known = cliEnvNames();
    expect(known.size).toBeGreaterThan(40);
    const ours = [...env.keys()].filter((k) => k.startsWith('CADENZA_'));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.filter((k) => !known.has(k))).toEqual([]);
  });

  it('labels the image with the OCI annotations: title, source, licence and version', () => {
    const labels = new Map(all(runtime, 'LABEL').flatMap((i) => [...keyValues(i.args)]));
    expect(labels.get('org.opencontainers.image.title')).toBe('cadenza');
    expect(labels.get('org.opencontainers.image.licenses')).toBe('MIT');
    expect(labels.get('org.opencontainers.image.source')).toMatch(/^https:\/\//);
    expect(labels.get('org.opencontainers.image.version')).toBe(arg('VERSION'));
  });
});

describe('.dockerignore', () => {
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

  it('leaves out installed and built files, the git history, local stores and benchmarks', () => {
    for (const entry of ['**/node_modules', '**/dist', '.git', '**/.cadenza', 'bench', 'docs/screenshots']) {
      expect(ignored).toContain(entry);
    }
  });

  it('keeps what the build needs: the lockfile, the workspace file and the packages', () => {
    for (const needed of ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json', 'packages', 'test']) {
      expect(ignored).not.toContain(needed);
    }
  });
});
