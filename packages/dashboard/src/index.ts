// The dashboard's Node side: the files of the built browser app, for the server to serve.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

export interface DashboardFile {
  body: Buffer;
  contentType: string;
  /** The name carries a hash of the content: a browser may cache it forever. */
  immutable: boolean;
}

const APP_DIR = join(import.meta.dirname, 'app');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

let files: ReadonlyMap<string, DashboardFile> | undefined;

/**
 * Every file of the built app by its path under /ui/ ('index.html', 'app-<hash>.js', …),
 * read from disk on the first call and kept.
 */
export function dashboardFiles(): ReadonlyMap<string, DashboardFile> {
  if (files === undefined) files = readApp(APP_DIR);
  return files;
}

function readApp(dir: string): ReadonlyMap<string, DashboardFile> {
  const found = new Map<string, DashboardFile>();
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    found.set(name, {
      body: readFileSync(join(dir, name)),
      contentType: TYPES[extname(name)] ?? 'application/octet-stream',
      immutable: /-[0-9A-Za-z]{8,}\.[a-z]+$/.test(name),
    });
  }
  return found;
}
