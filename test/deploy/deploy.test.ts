// deploy/: the Prometheus scrape configuration, the alert rules and the Grafana dashboard
// speak only of metrics the code registers. The registered names come from a real
// `cadenza dev` (worker, coordinator and API in one process, so every family is declared);
// the files are read with a small line-based reader (no YAML library in the lockfile).
// Build first; this test runs dist/bin.js.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cadenza, ROOT, startDev } from '../process/cadenza-process.js';
import { familyNames } from '../process/prometheus-text.js';

const DEPLOY = join(ROOT, 'deploy');
const read = (path: string) => readFileSync(join(DEPLOY, path), 'utf8');

/** Metric names in a PromQL expression (ours, and Node's process metrics). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b((?:cadenza|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1] ?? '');
}

/** `expr:` values of an alert rules file: one line, or a `|` block of deeper-indented lines. */
function alertExprs(yaml: string): { alert: string; expr: string }[] {
  const lines = yaml.split('\n');
  const rules: { alert: string; expr: string }[] = [];
  let alert = '';
  lines.forEach((line, i) => {
    const name = /^\s*- alert: (\S+)/.exec(line);
    if (name?.[1] !== undefined) alert = name[1];
    const expr = /^(\s*)expr: (.*)$/.exec(line);
    if (expr === null) return;
    let text = expr[2] ?? '';
    if (text.trim() === '|') {
      const indent = (expr[1] ?? '').length;
      const block: string[] = [];
      for (let j = i + 1; j < lines.length; j++) {
        const next = lines[j] ?? '';
        if (next.trim() !== '' && next.length - next.trimStart().length <= indent) break;
        block.push(next.trim());
      }
      text = block.join(' ');
    }
    rules.push({ alert, expr: text });
  });
  return rules;
}

interface Panel {
  title: string;
  targets?: { expr: string }[];
}

let dev: Cadenza;
let registered: Set<string>;

beforeAll(async () => {
  dev = await startDev(['--store', 'memory', '--log-level', 'warn']);
  registered = familyNames(await (await fetch(`${dev.url}/metrics`)).text());
}, 30_000);

afterAll(async () => {
  await dev?.stop();
});

/** The names `name` may stand for: itself, or a histogram's family when it ends in _bucket/_sum/_count. */
function isRegistered(name: string): boolean {
  if (registered.has(name)) return true;
  const family = name.replace(/_(bucket|sum|count)$/, '');
  return family !== name && registered.has(family);
}

describe('deploy/', () => {
  it('the alert rules cover no leader, schedule lag, failure ratio and a growing queue, on registered metrics', () => {
    const rules = alertExprs(read('prometheus/alerts.yml'));
    expect(rules.map((r) => r.alert)).toEqual([
      'CadenzaNoLeader',
      'CadenzaScheduleLag',
      'CadenzaFailureRatio',
      'CadenzaQueueGrowing',
    ]);
    for (const rule of rules) {
      const names = metricNames(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      for (const name of names) expect(isRegistered(name), `${rule.alert}: ${name}`).toBe(true);
    }
  });

  it('the Grafana dashboard is JSON whose every query uses registered metrics', () => {
    const dashboard = JSON.parse(read('grafana/cadenza.json')) as { uid: string; panels: Panel[] };
    expect(dashboard.uid).toBe('cadenza');
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    expect(exprs.length).toBeGreaterThan(10);
    const used = new Set<string>();
    for (const { panel, expr } of exprs) {
      const names = metricNames(expr);
      expect(names.length, panel).toBeGreaterThan(0);
      for (const name of names) {
        expect(isRegistered(name), `${panel}: ${name}`).toBe(true);
        used.add(name.replace(/_(bucket|sum|count)$/, ''));
      }
    }
    // Every cadenza metric has a place on the dashboard.
    const ours = [...registered].filter((n) => n.startsWith('cadenza_'));
    expect(ours.filter((n) => !used.has(n))).toEqual([]);
  });

  it('the scrape configuration loads the alert rules and scrapes /metrics of every role', () => {
    const config = read('prometheus/prometheus.yml');
    expect(config).toMatch(/^rule_files:\n\s+- alerts\.yml$/m);
    for (const role of ['server', 'coordinator', 'worker']) {
      expect(config).toContain(`job_name: cadenza-${role}`);
      expect(config).toContain(`role: ${role}`);
    }
    expect(config.match(/metrics_path: \/metrics/g)).toHaveLength(3);
  });
});
