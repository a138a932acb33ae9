// The package layering of docs/architecture.md, checked on every run:
// core ← stores ← coordinator, worker, client ← engine ← server ← cli, and dashboard ← server.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const LAYER: Record<string, number> = {
  core: 0,
  dashboard: 0,
  'store-redis': 1,
  'store-sqlite': 1,
  'store-file': 1,
  'store-lmdb': 1,
  coordinator: 2,
  worker: 2,
  client: 2,
  engine: 3,
  server: 4,
  cli: 5,
};

interface Manifest {
  name: string;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
}

const packages = readdirSync(join(root, 'packages')).map((dir) => ({
  dir,
  manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest,
}));
const manifests = new Map(packages.map(({ dir, manifest }) => [dir, manifest]));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const ours = (deps: Record<string, string> | undefined): string[] =>
  Object.keys(deps ?? {})
    .filter((d) => d.startsWith('@cadenza/'))
    .map((d) => d.slice('@cadenza/'.length));

describe('package layering', () => {
  it('knows every package', () => {
    for (const { dir } of packages) expect(LAYER, `packages/${dir} has no layer`).toHaveProperty(dir);
  });

  for (const { dir, manifest } of packages) {
    it(`${dir} depends only on packages of lower layers`, () => {
      const layer = LAYER[dir] ?? -1;
      for (const dep of ours(manifest.dependencies)) {
        expect(LAYER[dep], `${dir} → ${dep}`).toBeLessThan(layer);
      }
    });

    it(`${dir} has an exports map`, () => {
      expect(manifest.exports, `${dir}/package.json exports`).toHaveProperty('.');
    });

    it(`${dir} imports only the packages it declares`, () => {
      const declared = new Set(ours(manifest.dependencies));
      for (const file of sourceFiles(join(root, 'packages', dir, 'src'))) {
        const text = readFileSync(file, 'utf8');
        for (const match of text.matchAll(/from '@cadenza\/([a-z-]+)/g)) {
          const name = match[1] ?? '';
          if (name !== dir) expect(declared.has(name), `${file} imports @cadenza/${name}`).toBe(true);
        }
      }
    });

    // A second entry (@cadenza/core/store-kit, …/testing) must be one the package's manifest
    // lists: otherwise it builds here and fails for a user who installed the package.
    it(`${dir} imports only entries the other packages' exports maps list`, () => {
      for (const file of sourceFiles(join(root, 'packages', dir, 'src'))) {
        const text = readFileSync(file, 'utf8');
        for (const match of text.matchAll(/from '@cadenza\/([a-z-]+)(\/[a-z-]+)?'/g)) {
          const target = manifests.get(match[1] ?? '');
          expect(target?.exports, `${file} imports ${match[0]}`).toHaveProperty([`.${match[2] ?? ''}`]);
        }
      }
    });
  }
});
