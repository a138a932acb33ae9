// deploy/compose and deploy/systemd speak the CLI's language: each command, flag and
// environment variable is one the `cadenza` program takes (read from the program itself),
// the time a process gets between SIGTERM and SIGKILL is above its shutdown timeout, and
// every file they mount or name from the repository exists. No container engine or systemd
// is needed: the files are read here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT } from '../process/cadenza-process.js';
import {
  envNamesOf,
  type Invocation,
  parseInvocation,
  processEnvNames,
  settingOf,
  shutdownTimeoutMs,
} from './cli-flags.js';

const COMPOSE_DIR = join(ROOT, 'deploy', 'compose');
const SYSTEMD_DIR = join(ROOT, 'deploy', 'systemd');

interface Service {
  image?: string;
  build?: { context: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  secrets?: string[];
  ports?: string[];
  expose?: string[];
  stop_grace_period?: string;
  healthcheck?: { test: string[] };
}
interface Compose {
  services: Record<string, Service>;
  secrets?: Record<string, { file: string }>;
}

/** compose.yaml as Compose reads it: anchors and `<<` merge keys resolved. */
const compose = parseYaml(readFileSync(join(COMPOSE_DIR, 'compose.yaml'), 'utf8'), { merge: true }) as Compose;
const cadenzaServices = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

/** A Compose duration (`40s`, `1m30s`) in ms. */
function durationMs(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h)/g)];
  expect(parts.map((p) => p[0]).join(''), text).toBe(text);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return parts.reduce((sum, [, n, u]) => sum + Number(n) * unit[u as keyof typeof unit], 0);
}

/** `source:target[:ro]` of a bind mount, the source resolved from the compose file's folder. */
function bindMounts(service: Service): { source: string; target: string }[] {
  return (service.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([source]) => source?.startsWith('.'))
    .map(([source = '', target = '']) => ({ source: resolve(COMPOSE_DIR, source), target }));
}

describe('deploy/compose', () => {
  it('runs Redis with AOF on, two coordinators, three workers and a server from the one image', () => {
    expect(compose.services.redis?.command).toEqual(
      expect.arrayContaining(['redis-server', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction']),
    );
    expect(compose.services.redis?.volumes).toEqual(['redis-data:/data']);
    const commands = cadenzaServices.map(([, s]) => s.command?.[0]).sort();
    expect(commands).toEqual(['coordinator', 'coordinator', 'server', 'worker', 'worker', 'worker']);
    for (const [name, service] of cadenzaServices) {
      expect(resolve(COMPOSE_DIR, service.build?.context ?? ''), name).toBe(ROOT);
      expect(service.image, name).toBe('cadenza:local');
    }
  });

  for (const [name, service] of cadenzaServices) {
    const invocation = parseInvocation(service.command ?? []);
    const env = service.environment ?? {};

    it(`${name}: its command, flags and variables are ones the CLI takes`, () => {
      expect(invocation.problems).toEqual([]);
      const known = envNamesOf(invocation.command);
      for (const variable of Object.keys(env)) expect(known.has(variable), `${name}: ${variable}`).toBe(true);
      expect(settingOf(invocation, env, '--redis')).toBe('redis://redis:6379');
      expect(settingOf(invocation, env, '--id')).toBe(name);
    });

    it(`${name}: /readyz on its --port is its health check, and the port is reachable`, () => {
      const port = settingOf(invocation, env, '--port');
      expect(port).toMatch(/^\d+$/);
      expect(settingOf(invocation, env, '--host')).toBe('0.0.0.0');
      expect(service.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/readyz`);
      const open = [...(service.expose ?? []), ...(service.ports ?? []).map((p) => p.split(':').at(-1))];
      expect(open, name).toContain(port);
    });

    it(`${name}: stop_grace_period is above its shutdown timeout`, () => {
      expect(durationMs(service.stop_grace_period ?? '10s')).toBeGreaterThan(shutdownTimeoutMs(invocation, env));
    });

    it(`${name}: every file it mounts exists in the repository`, () => {
      for (const { source } of bindMounts(service)) expect(existsSync(source), source).toBe(true);
    });
  }

  it("the workers' handlers file is mounted at the path they are given", () => {
    for (const [name, service] of cadenzaServices.filter(([, s]) => s.command?.[0] === 'worker')) {
      const handlers = settingOf(parseInvocation(service.command ?? []), service.environment ?? {}, '--handlers');
      const mount = bindMounts(service).find((m) => m.target === handlers);
      expect(mount?.source, name).toBe(join(ROOT, 'examples', 'handlers.mjs'));
    }
  });

  it('the server reads its tokens from a compose secret: a tokens file in the repository', () => {
    const [, server] = cadenzaServices.find(([, s]) => s.command?.[0] === 'server') ?? [];
    const invocation = parseInvocation(server?.command ?? []);
    const tokensFile = settingOf(invocation, server?.environment ?? {}, '--tokens-file');
    expect(settingOf(invocation, server?.environment ?? {}, '--insecure')).toBeUndefined();
    const [secret = ''] = server?.secrets ?? [];
    expect(tokensFile).toBe(`/run/secrets/${secret}`);
    const file = resolve(COMPOSE_DIR, compose.secrets?.[secret]?.file ?? '');
    expect(JSON.parse(readFileSync(file, 'utf8')).tokens).toEqual([]);
  });

  it('Prometheus scrapes every cadenza service on its port, with the alert rules of deploy/prometheus', () => {
    const prometheus = compose.services.prometheus;
    const mounts = bindMounts(prometheus ?? {});
    const config = mounts.find((m) => m.target === '/etc/prometheus/prometheus.yml');
    expect(config?.source).toBe(join(COMPOSE_DIR, 'prometheus.yml'));
    const scrape = parseYaml(readFileSync(config?.source ?? '', 'utf8')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[]; labels: { role: string } }[] }[];
    };
    // Each rules file sits beside the configuration, mounted from deploy/prometheus.
    for (const rules of scrape.rule_files) {
      const mount = mounts.find((m) => m.target === join('/etc/prometheus', rules));
      expect(mount?.source).toBe(join(ROOT, 'deploy', 'prometheus', rules));
    }
    const targets = scrape.scrape_configs.flatMap((job) =>
      job.static_configs.flatMap((c) => c.targets.map((t) => `${c.labels.role} ${t}`)),
    );
    const expected = cadenzaServices.map(([name, s]) => {
      const invocation = parseInvocation(s.command ?? []);
      return `${invocation.command} ${name}:${settingOf(invocation, s.environment ?? {}, '--port')}`;
    });
    expect(targets.sort()).toEqual(expected.sort());
  });

  it("Grafana has Prometheus as its datasource and deploy/grafana's dashboard where its provider looks", () => {
    const mounts = bindMounts(compose.services.grafana ?? {});
    const sources = mounts.map((m) => m.source);
    const dashboard = mounts.find((m) => m.source === join(ROOT, 'deploy', 'grafana', 'cadenza.json'));
    expect(dashboard).toBeDefined();
    const provider = parseYaml(readFileSync(join(COMPOSE_DIR, 'grafana', 'dashboards.yml'), 'utf8')) as {
      providers: { options: { path: string } }[];
    };
    expect(dirname(dashboard?.target ?? '')).toBe(provider.providers[0]?.options.path);
    expect(sources).toContain(join(COMPOSE_DIR, 'grafana', 'dashboards.yml'));
    const datasources = parseYaml(readFileSync(join(COMPOSE_DIR, 'grafana', 'datasources.yml'), 'utf8')) as {
      datasources: { type: string; url: string }[];
    };
    expect(sources).toContain(join(COMPOSE_DIR, 'grafana', 'datasources.yml'));
    expect(datasources.datasources).toMatchObject([{ type: 'prometheus', url: 'http://prometheus:9090' }]);
  });
});

/** A unit file's `[Service]` (and other sections) as key → values, comments dropped. */
function readUnit(file: string): Map<string, string[]> {
  const entries = new Map<string, string[]>();
  for (const line of readFileSync(join(SYSTEMD_DIR, file), 'utf8').split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match === null) continue;
    const [, key = '', value = ''] = match;
    entries.set(key, [...(entries.get(key) ?? []), value]);
  }
  return entries;
}

/** The variables cadenza.env.example sets, or shows commented out. */
const exampleEnv = readFileSync(join(SYSTEMD_DIR, 'cadenza.env.example'), 'utf8');
const exampleNames = [...exampleEnv.matchAll(/^#?(CADENZA_[A-Z0-9_]+)=(.*)$/gm)];
const exampleValues: Record<string, string> = Object.fromEntries(
  [...exampleEnv.matchAll(/^(CADENZA_[A-Z0-9_]+)=(.*)$/gm)].map(([, k = '', v = '']) => [k, v]),
);

const UNITS = readdirSync(SYSTEMD_DIR).filter((f) => f.endsWith('.service'));

/** A unit's ExecStart as `cadenza` arguments, an instance `%i` and the host `%H` filled in. */
function execStart(unit: Map<string, string[]>, instance = '1'): Invocation {
  const [line = ''] = unit.get('ExecStart') ?? [];
  const [binary, ...args] = line.replaceAll('%i', instance).replaceAll('%H', 'host').split(/\s+/);
  expect(binary).toBe('/usr/local/bin/cadenza');
  return parseInvocation(args);
}

describe('deploy/systemd', () => {
  it('has a unit for single-node mode and for each cluster role', () => {
    expect(UNITS.sort()).toEqual([
      'cadenza-coordinator.service',
      'cadenza-dev.service',
      'cadenza-server.service',
      'cadenza-worker@.service',
    ]);
  });

  for (const file of UNITS) {
    const unit = readUnit(file);

    it(`${file}: ExecStart is a cadenza command with flags it takes`, () => {
      expect(unit.get('ExecStart')).toHaveLength(1);
      const invocation = execStart(unit);
      expect(invocation.problems).toEqual([]);
      expect(`cadenza-${invocation.command}`).toBe(file.replace(/@?\.service$/, ''));
      expect(settingOf(invocation, exampleValues, '--port')).toMatch(/^\d+$/);
    });

    it(`${file}: reads the shared environment file, runs as cadenza, hardened`, () => {
      expect(unit.get('EnvironmentFile')).toEqual(['/etc/cadenza/cadenza.env']);
      expect(unit.get('User')).toEqual(['cadenza']);
      for (const [key, value] of [
        ['NoNewPrivileges', 'yes'],
        ['ProtectSystem', 'strict'],
        ['ProtectHome', 'yes'],
        ['PrivateTmp', 'yes'],
        ['KillSignal', 'SIGTERM'],
        ['Restart', 'on-failure'],
      ]) {
        expect(unit.get(key ?? ''), `${file}: ${key}`).toEqual([value]);
      }
      // Node's JIT writes the code it runs: this setting would stop every process.
      expect(unit.has('MemoryDenyWriteExecute')).toBe(false);
    });

    it(`${file}: TimeoutStopSec is above the shutdown timeout`, () => {
      const invocation = execStart(unit);
      const [stop = ''] = unit.get('TimeoutStopSec') ?? [];
      expect(stop).toMatch(/^\d+$/);
      expect(Number(stop) * 1000).toBeGreaterThan(shutdownTimeoutMs(invocation, exampleValues));
    });
  }

  it('cadenza-dev keeps its SQLite file in its StateDirectory', () => {
    const unit = readUnit('cadenza-dev.service');
    expect(unit.get('StateDirectory')).toEqual(['cadenza']);
    expect(execStart(unit).flags.get('--store')).toBe('sqlite:/var/lib/cadenza/cadenza.db');
  });

  it('the cluster units on one host listen on ports of their own (worker instances 1 to 9 too)', () => {
    const ports: string[] = [];
    for (const file of UNITS.filter((f) => f !== 'cadenza-dev.service')) {
      const instances = file.includes('@') ? ['1', '2', '3', '4', '5', '6', '7', '8', '9'] : [''];
      for (const instance of instances) {
        ports.push(settingOf(execStart(readUnit(file), instance), exampleValues, '--port') ?? '');
      }
    }
    expect(ports.every((p) => /^\d+$/.test(p) && Number(p) < 65536)).toBe(true);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('cadenza.env.example names only variables the CLI maps, each taken by some unit', () => {
    const known = processEnvNames();
    const taken = new Set(UNITS.flatMap((file) => [...envNamesOf(execStart(readUnit(file)).command)]));
    expect(exampleNames.length).toBeGreaterThan(3);
    for (const [, name = ''] of exampleNames) {
      expect(known.has(name), name).toBe(true);
      expect(taken.has(name), name).toBe(true);
    }
    expect(exampleValues.CADENZA_REDIS).toMatch(/^redis:\/\//);
    expect(exampleValues.CADENZA_TOKENS_FILE).toBe('/etc/cadenza/tokens.json');
  });
});
