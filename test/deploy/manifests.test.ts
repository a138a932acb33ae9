// deploy/kubernetes: every object of the base and of each overlay is valid for its API
// (kubernetes-models and @kubernetes-models/keda validate it against the published
// schemas), and what it says of cadenza matches the CLI: commands, flags and variables it
// takes, the port it listens on, its probe routes, a grace above its shutdown timeout, and
// autoscalers on a metric the code registers. No cluster and no `kubectl kustomize`: the
// files are read here, following each kustomization's `resources:`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { ROOT } from '../process/cadenza-process.js';
import {
  envNamesOf,
  parseInvocation,
  processEnvNames,
  settingOf,
  shutdownTimeoutMs,
  unregisteredInQuery,
} from './cli-flags.js';

const KUBE = join(ROOT, 'deploy', 'kubernetes');

/** Each kind the deploy files may hold, by `apiVersion/kind`, with its model. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/Secret': Secret,
  'v1/ConfigMap': ConfigMap,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

// The objects are read as plain data: the shapes below are the parts the checks look at.
interface Labels {
  matchLabels?: Record<string, string>;
}
interface Probe {
  httpGet?: { path?: string; port?: string | number };
}
interface Container {
  name: string;
  args?: string[];
  command?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string }[];
}
interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: objects of many kinds; each check reads its own fields
  spec?: any;
  stringData?: Record<string, string>;
  data?: Record<string, string>;
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean };
  containers: Container[];
  volumes?: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[];
}

interface Kustomization {
  resources?: string[];
  configMapGenerator?: { name: string; files?: string[] }[];
  replicas?: { name: string; count: number }[];
  images?: { name: string; newTag?: string }[];
}

/**
 * The objects `kubectl kustomize dir` would print, for what these files use: `resources:`
 * (files, and folders holding a kustomization of their own), `configMapGenerator:` from files
 * (without the name's hash suffix), and `replicas:`.
 */
function build(dir: string): KubeObject[] {
  const kustomization = parseYaml(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const objects: KubeObject[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = join(dir, resource);
    if (!existsSync(path)) throw new Error(`${dir}: resource ${resource} does not exist`);
    if (statSync(path).isDirectory()) {
      objects.push(...build(path));
      continue;
    }
    for (const document of parseAllDocuments(readFileSync(path, 'utf8'))) {
      if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]?.message}`);
      objects.push(document.toJS() as KubeObject);
    }
  }
  for (const generator of kustomization.configMapGenerator ?? []) {
    const data: Record<string, string> = {};
    for (const file of generator.files ?? []) data[file] = readFileSync(join(dir, file), 'utf8');
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: generator.name }, data });
  }
  for (const { name, count } of kustomization.replicas ?? []) {
    const target = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
    if (target === undefined) throw new Error(`${dir}: replicas names ${name}, which is no Deployment`);
    target.spec.replicas = count;
  }
  return objects;
}

const BUILDS = ['base', 'overlays/keda', 'overlays/hpa', 'overlays/production'];

const deploymentOf = (objects: KubeObject[], name: string): KubeObject => {
  const found = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
  if (found === undefined) throw new Error(`no Deployment ${name}`);
  return found;
};

const podOf = (deployment: KubeObject): PodSpec => deployment.spec.template.spec as PodSpec;

/** A container's environment, plain values only (a secret reference is there, undefined). */
function envOf(container: Container): Record<string, string | undefined> {
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
}

const matches = (selector: Labels, labels: Record<string, string> = {}) =>
  Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

describe('deploy/kubernetes', () => {
  for (const path of BUILDS) {
    it(`${path}: every object is valid for its API, once per kind and name`, () => {
      const objects = build(join(KUBE, path));
      expect(objects.length).toBeGreaterThan(5);
      const seen = new Set<string>();
      for (const object of objects) {
        const key = `${object.apiVersion}/${object.kind}`;
        const Model = MODELS[key];
        expect(Model, `${key} ${object.metadata?.name}: a kind the test knows`).toBeDefined();
        // validate() throws naming each field the schema refuses.
        expect(() => new (Model as NonNullable<typeof Model>)(object as never).validate(), key).not.toThrow();
        const id = `${object.kind}/${object.metadata.name}`;
        expect(seen.has(id), id).toBe(false);
        seen.add(id);
      }
    });
  }

  const base = build(join(KUBE, 'base'));
  const deployments = base.filter((o) => o.kind === 'Deployment');

  it('runs a coordinator pair, workers and servers, each as its cadenza command', () => {
    const commands = Object.fromEntries(
      deployments.map((d) => [d.metadata.name, podOf(d).containers.map((c) => c.args?.[0])]),
    );
    expect(commands).toEqual({
      'cadenza-coordinator': ['coordinator'],
      'cadenza-worker': ['worker'],
      'cadenza-server': ['server'],
    });
    expect(deploymentOf(base, 'cadenza-coordinator').spec.replicas).toBe(2);
  });

  for (const deployment of deployments) {
    const name = deployment.metadata.name;
    const pod = podOf(deployment);

    it(`${name}: args are flags its command takes, and every variable one it maps`, () => {
      for (const container of pod.containers) {
        // The image's entrypoint is `cadenza`: the container gives the arguments only.
        expect(container.command, container.name).toBeUndefined();
        const invocation = parseInvocation(container.args ?? []);
        expect(invocation.problems).toEqual([]);
        const known = envNamesOf(invocation.command);
        for (const variable of container.env ?? []) {
          expect(variable.name, `${name}: ${variable.name}`).toMatch(/^CADENZA_/);
          expect(known.has(variable.name), `${name}: cadenza ${invocation.command} maps ${variable.name}`).toBe(true);
        }
        // One way to Redis, from the Secret: the URL is never written in the manifest.
        const redis = container.env?.find((e) => e.name === 'CADENZA_REDIS');
        expect(redis?.valueFrom).toEqual({ secretKeyRef: { name: 'cadenza', key: 'redis-url' } });
        expect(settingOf(invocation, envOf(container), '--host')).toBe('0.0.0.0');
      }
    });

    it(`${name}: listens on its named port, probed on /healthz and /readyz there`, () => {
      for (const container of pod.containers) {
        const invocation = parseInvocation(container.args ?? []);
        const port = Number(settingOf(invocation, envOf(container), '--port'));
        expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
        expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
        expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
      }
    });

    it(`${name}: the grace after SIGTERM is above the shutdown timeout`, () => {
      for (const container of pod.containers) {
        const timeout = shutdownTimeoutMs(parseInvocation(container.args ?? []), envOf(container));
        expect(timeout).toBeGreaterThan(0);
        expect((pod.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(timeout);
      }
    });

    it(`${name}: runs as non-root, read-only, without capabilities, within limits`, () => {
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      for (const container of pod.containers) {
        expect(container.securityContext).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.resources?.requests?.memory, container.name).toBeDefined();
        expect(container.resources?.limits?.memory, container.name).toBeDefined();
        // Every mount is a volume of the pod.
        const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
        for (const mount of container.volumeMounts ?? []) expect(volumes.has(mount.name), mount.name).toBe(true);
      }
    });

    it(`${name}: its selector picks its own pods only`, () => {
      const labels = deployment.spec.template.metadata.labels as Record<string, string>;
      expect(matches(deployment.spec.selector, labels)).toBe(true);
      for (const other of deployments.filter((d) => d !== deployment)) {
        expect(matches(deployment.spec.selector, other.spec.template.metadata.labels)).toBe(false);
      }
    });
  }

  it('the worker reads its handlers from the generated ConfigMap, and the server its tokens from the Secret', () => {
    const worker = podOf(deploymentOf(base, 'cadenza-worker'));
    const handlers = parseInvocation(worker.containers[0]?.args ?? []).flags.get('--handlers');
    expect(handlers).toBe('/etc/cadenza/handlers/handlers.mjs');
    expect(worker.volumes?.find((v) => v.name === 'handlers')?.configMap?.name).toBe('cadenza-handlers');
    const configMap = base.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cadenza-handlers');
    expect(configMap?.data?.['handlers.mjs']).toContain('export default');

    const server = podOf(deploymentOf(base, 'cadenza-server'));
    const tokens = parseInvocation(server.containers[0]?.args ?? []).flags.get('--tokens-file');
    expect(tokens).toBe('/etc/cadenza/tokens/tokens.json');
    expect(server.volumes?.find((v) => v.name === 'tokens')?.secret?.secretName).toBe('cadenza');
    const secret = base.find((o) => o.kind === 'Secret' && o.metadata.name === 'cadenza');
    expect(Object.keys(secret?.stringData ?? {}).sort()).toEqual(['redis-url', 'tokens.json']);
    expect(JSON.parse(secret?.stringData?.['tokens.json'] ?? '')).toEqual({ tokens: [] });
  });

  it("the Service sends its port to the servers' named port", () => {
    const service = base.find((o) => o.kind === 'Service');
    const server = deploymentOf(base, 'cadenza-server');
    expect(matches({ matchLabels: service?.spec.selector }, server.spec.template.metadata.labels)).toBe(true);
    for (const other of deployments.filter((d) => d !== server)) {
      expect(matches({ matchLabels: service?.spec.selector }, other.spec.template.metadata.labels)).toBe(false);
    }
    const ports = podOf(server).containers[0]?.ports ?? [];
    expect(service?.spec.ports.map((p: { targetPort: string }) => p.targetPort)).toEqual([ports[0]?.name]);
  });

  it('the PodDisruptionBudget keeps one coordinator, and selects coordinators only', () => {
    const budget = base.find((o) => o.kind === 'PodDisruptionBudget');
    expect(budget?.spec.minAvailable).toBe(1);
    for (const deployment of deployments) {
      expect(matches(budget?.spec.selector, deployment.spec.template.metadata.labels), deployment.metadata.name).toBe(
        deployment.metadata.name === 'cadenza-coordinator',
      );
    }
  });

  it('NetworkPolicy: ingress only on the named port, to the servers from anyone, else from Prometheus; egress to Redis and DNS', () => {
    const policies = base.filter((o) => o.kind === 'NetworkPolicy');
    const all = policies.find((p) => p.metadata.name === 'cadenza');
    // The policy for every cadenza pod selects each Deployment's pods.
    for (const deployment of deployments) {
      expect(matches(all?.spec.podSelector, deployment.spec.template.metadata.labels)).toBe(true);
    }
    expect(all?.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(all?.spec.ingress).toHaveLength(1);
    expect(all?.spec.ingress[0].from[0].podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'prometheus' });
    const egressPorts = all?.spec.egress.flatMap((rule: { ports: { port: number }[] }) =>
      rule.ports.map((p) => p.port),
    );
    expect(egressPorts.sort()).toEqual([53, 53, 6379]);
    // Every ingress rule opens the containers' named port, nothing else.
    for (const policy of policies) {
      for (const rule of policy.spec.ingress ?? []) expect(rule.ports).toEqual([{ protocol: 'TCP', port: 'http' }]);
    }
    const open = policies.filter((p) => (p.spec.ingress ?? []).some((r: { from?: unknown }) => r.from === undefined));
    expect(open.map((p) => p.metadata.name)).toEqual(['cadenza-server']);
    const server = deploymentOf(base, 'cadenza-server');
    expect(matches(open[0]?.spec.podSelector, server.spec.template.metadata.labels)).toBe(true);
    for (const other of deployments.filter((d) => d !== server)) {
      expect(matches(open[0]?.spec.podSelector, other.spec.template.metadata.labels)).toBe(false);
    }
  });

  it('KEDA scales the worker Deployment on the waiting depth, a metric the code registers', () => {
    const objects = build(join(KUBE, 'overlays/keda'));
    const scaled = objects.find((o) => o.kind === 'ScaledObject');
    expect(scaled?.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'cadenza-worker' });
    deploymentOf(objects, scaled?.spec.scaleTargetRef.name);
    expect(scaled?.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(scaled?.spec.maxReplicaCount).toBeGreaterThan(scaled?.spec.minReplicaCount);
    expect(scaled?.spec.cooldownPeriod).toBeGreaterThan(0);
    const [trigger] = scaled?.spec.triggers ?? [];
    expect(trigger.type).toBe('prometheus');
    expect(trigger.metadata.query).toContain('cadenza_queue_depth{state="waiting"}');
    expect(unregisteredInQuery(trigger.metadata.query)).toEqual([]);
  });

  it('the HPA scales the worker Deployment on the External metric that the adapter rule serves from the waiting depth', () => {
    const objects = build(join(KUBE, 'overlays/hpa'));
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpa?.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'cadenza-worker' });
    const [metric] = hpa?.spec.metrics ?? [];
    expect(metric.type).toBe('External');
    const adapter = parseYaml(readFileSync(join(KUBE, 'overlays/hpa/prometheus-adapter-values.yaml'), 'utf8')) as {
      rules: { external: { seriesQuery: string; metricsQuery: string; name: { as: string } }[] };
    };
    const rule = adapter.rules.external.find((r) => r.name.as === metric.external.metric.name);
    expect(rule, `an adapter rule serving ${metric.external.metric.name}`).toBeDefined();
    for (const query of [rule?.seriesQuery ?? '', rule?.metricsQuery ?? '']) {
      expect(query).toContain('cadenza_queue_depth{state="waiting"}');
      expect(unregisteredInQuery(query)).toEqual([]);
    }
  });

  it('the production overlay sizes Deployments of the base, on the KEDA overlay', () => {
    const objects = build(join(KUBE, 'overlays/production'));
    expect(deploymentOf(objects, 'cadenza-server').spec.replicas).toBe(3);
    expect(deploymentOf(objects, 'cadenza-coordinator').spec.replicas).toBe(2);
    expect(objects.some((o) => o.kind === 'ScaledObject')).toBe(true);
  });

  it('names only variables the CLI maps, anywhere under deploy/kubernetes', () => {
    const known = processEnvNames();
    for (const path of BUILDS) {
      for (const object of build(join(KUBE, path))) {
        const text = JSON.stringify(object);
        for (const [name] of text.matchAll(/\bCADENZA_[A-Z0-9_]+\b/g)) expect(known.has(name), name).toBe(true);
      }
    }
  });
});
