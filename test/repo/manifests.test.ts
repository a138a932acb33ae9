// Every package is one a user can install and find their way back from: it says what it is,
// where its code lives, which Node it needs and under which licence, ships a README, and
// names the other cadenza packages as `workspace:*` (which `pnpm pack` turns into the
// version that was packed with it; test/install/pack-install.test.ts installs the result).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const license = readFileSync(join(root, 'LICENSE'), 'utf8');

describe.each(readdirSync(join(root, 'packages')))('packages/%s', (dir) => {
  const path = join(root, 'packages', dir);
  const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));

  it('describes itself and points to its home', () => {
    expect(manifest.name).toBe(`@cadenza/${dir}`);
    expect(manifest.description.length).toBeGreaterThan(30);
    expect(manifest.license).toBe('MIT');
    expect(manifest.repository).toMatchObject({ type: 'git', directory: `packages/${dir}` });
    expect(manifest.engines).toEqual(rootManifest.engines);
    expect(manifest.publishConfig).toEqual({ access: 'public' });
  });

  it('ships its build, a README and the LICENSE', () => {
    expect(manifest.files).toContain('dist');
    expect(existsSync(join(path, 'README.md'))).toBe(true);
    expect(readFileSync(join(path, 'LICENSE'), 'utf8')).toBe(license);
  });

  it('depends on the other cadenza packages through the workspace', () => {
    const ours = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }).filter(([name]) =>
      name.startsWith('@cadenza/'),
    );
    for (const [name, range] of ours) expect(`${name} ${range}`).toBe(`${name} workspace:*`);
  });
});
