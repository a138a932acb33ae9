// Bundles the browser app (app/main.tsx) into dist/app/: one script and one stylesheet, each
// named by a hash of its content (the server lets browsers cache them forever), the
// index.html that loads them and the icon. Nothing inline: the server's CSP allows only
// files of its own origin (packages/dashboard/README.md).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

const here = import.meta.dirname;
const outdir = join(here, 'dist', 'app');

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });

const result = await build({
  entryPoints: [join(here, 'app', 'main.tsx')],
  outdir,
  entryNames: 'app-[hash]',
  assetNames: 'asset-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  metafile: true,
  logLevel: 'warning',
  tsconfig: join(here, 'tsconfig.app.json'),
});

const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
const script = outputs.find((name) => name.endsWith('.js'));
const style = outputs.find((name) => name.endsWith('.css'));
if (script === undefined || style === undefined)
  throw new Error(`build-app: expected one .js and one .css, got ${outputs.join(', ')}`);

const html = (await readFile(join(here, 'app', 'index.html'), 'utf8'))
  .replace('{{script}}', script)
  .replace('{{style}}', style);
await writeFile(join(outdir, 'index.html'), html);
await writeFile(join(outdir, 'icon.svg'), await readFile(join(here, 'app', 'icon.svg')));
