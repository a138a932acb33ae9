/**
 * A prebuilt-binary mirror for better-sqlite3, for the install test. npm installs
 * better-sqlite3 by downloading its prebuilt binary from GitHub, and compiles it (about a
 * minute of this machine's two cores) when it cannot; this machine cannot reach GitHub, so
 * every run compiled it again. The mirror serves the binary the workspace's own install
 * built, through the setting npm offers users behind a firewall
 * (`npm_config_better_sqlite3_binary_host`): the packages under test install and run
 * exactly as before, on the same binary.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PrebuildMirror {
  /** Environment for `npm install` that points better-sqlite3's download at the mirror. */
  env: Record<string, string>;
  /** How many binaries it served (a test can tell the mirror was used). */
  served(): number;
  close(): Promise<void>;
}

/** Packs the workspace's compiled better-sqlite3 (resolved from `from`) as prebuild-install expects it, and serves it. */
export async function startPrebuildMirror(from: string, scratch: string): Promise<PrebuildMirror> {
  const manifest = createRequire(join(from, 'package.json')).resolve('better-sqlite3/package.json');
  const root = dirname(manifest);
  const tarball = join(scratch, 'better-sqlite3-prebuild.tar.gz');
  // The layout prebuild-install unpacks into the package: build/Release/<module>.node.
  await run('tar', ['-czf', tarball, '-C', root, 'build/Release/better_sqlite3.node']);
  const body = readFileSync(tarball);
  let served = 0;
  const server: Server = createServer((request, response) => {
    // Any release asset name: prebuild-install asks for <name>-v<version>-node-v<abi>-<platform>-<arch>.tar.gz.
    if (request.method === 'GET' && request.url?.endsWith('.tar.gz')) {
      served++;
      response.writeHead(200, { 'content-type': 'application/gzip', 'content-length': body.length });
      response.end(body);
    } else {
      response.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the prebuild mirror has no port');
  return {
    env: { npm_config_better_sqlite3_binary_host: `http://127.0.0.1:${address.port}` },
    served: () => served,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
