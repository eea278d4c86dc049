import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import * as kubernetes from 'kubernetes-models';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { shutdownDeadlineMs } from '../src/lifecycle';

// deploy/kubernetes, offline: rendered by kubectl's kustomize (no cluster needed), every object
// checked against the Kubernetes API schemas (kubernetes-models; KEDA's CRD from its own models),
// then what the manifests must get right for OnAir. The schemas check types, required fields and
// enums; they let unknown fields through, so the assertions below read the fields that matter.

const root = resolve(import.meta.dirname, '../../..');

interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests, read field by field in the assertions
  spec?: any;
  data?: Record<string, string>;
  [field: string]: unknown;
}

type Model = new (data: never) => { validate(): void };

/** `kubectl kustomize <dir>`, parsed: one object per YAML document. */
function render(directory: string): KubernetesObject[] {
  const result = spawnSync('kubectl', ['kustomize', resolve(root, directory)], { encoding: 'utf8' });
  if (result.error && 'code' in result.error && result.error.code === 'ENOENT') {
    throw new Error(
      'kubectl is not installed, so deploy/kubernetes cannot be rendered: install kubectl 1.21 or later (kustomize v4+); .ci/run says how',
    );
  }
  if (result.status !== 0) throw new Error(`kubectl kustomize ${directory} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout).map((document) => document.toJSON() as KubernetesObject);
}

/** The kubernetes-models class of an object: `apps/v1` → kubernetes.apps.v1, `networking.k8s.io/v1` → networkingK8sIo.v1. */
function modelOf({ apiVersion, kind }: KubernetesObject): Model | undefined {
  if (apiVersion === 'keda.sh/v1alpha1' && kind === 'ScaledObject') return ScaledObject as unknown as Model;
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  type Versions = Record<string, Record<string, Model> | undefined>;
  const groups = kubernetes as unknown as Record<string, Versions | undefined>;
  const versions = group
    ? groups[group.replace(/\.(\w)/g, (_, letter: string) => letter.toUpperCase())]
    : (kubernetes as unknown as Versions);
  return versions?.[version ?? '']?.[kind];
}

function find(objects: KubernetesObject[], kind: string, name: string): KubernetesObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered manifests`);
  return found;
}

const container = (deployment: KubernetesObject, name: string) => {
  // biome-ignore lint/suspicious/noExplicitAny: see KubernetesObject
  const found = deployment.spec.template.spec.containers.find((candidate: any) => candidate.name === name);
  if (!found) throw new Error(`no container ${name} in ${deployment.metadata.name}`);
  return found;
};

for (const directory of ['deploy/kubernetes/base', 'deploy/kubernetes/overlays/example']) {
  describe(`${directory}, rendered`, () => {
    let objects: KubernetesObject[];
    beforeAll(() => {
      objects = render(directory);
    });

    it('renders objects that all pass the Kubernetes schemas', () => {
      expect(objects.length).toBeGreaterThan(10);
      for (const object of objects) {
        const Model = modelOf(object);
        if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind} (${object.metadata.name})`);
        expect(() => new Model(object as never).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
      }
    });

    it('commits no Secret: the pods take theirs from onair-secrets, created outside the repository', () => {
      expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
      for (const name of ['onair-api', 'onair-worker']) {
        const envFrom = container(find(objects, 'Deployment', name), name.replace('onair-', '')).envFrom;
        expect(envFrom).toContainEqual({ secretRef: { name: 'onair-secrets' } });
        expect(envFrom).toContainEqual({ configMapRef: { name: 'onair-settings' } });
      }
      const settings = find(objects, 'ConfigMap', 'onair-settings').data ?? {};
      for (const key of Object.keys(settings)) expect(key).not.toMatch(/TOKEN|SECRET|PASSWORD|DATABASE_URL/);
      expect(settings.REDIS_CLUSTER_NODES).toBe('redis-cluster:6379');
      expect(settings.NODE_ENV).toBe('production');
    });

    it('probes the API on the paths and port the server answers: ready on /readyz, alive on /healthz', () => {
      const api = container(find(objects, 'Deployment', 'onair-api'), 'api');
      expect(api.ports).toEqual([{ name: 'http', containerPort: 4000 }]);
      expect(api.env).toContainEqual({ name: 'PORT', value: '4000' });
      expect(api.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(api.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(api.env).toContainEqual({ name: 'WORKER', value: 'off' });
      expect(api.command).toEqual(['node', 'dist/main.js']);
    });

    it("drains an API pod within its grace period: preStop's sleep, then the server's SIGTERM deadline", () => {
      const deployment = find(objects, 'Deployment', 'onair-api');
      const api = container(deployment, 'api');
      const preStopSec: number = api.lifecycle.preStop.sleep.seconds;
      expect(preStopSec).toBeGreaterThanOrEqual(3);
      // SIGKILL comes terminationGracePeriodSeconds after the preStop hook starts.
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(
        preStopSec + shutdownDeadlineMs / 1000,
      );
      const worker = find(objects, 'Deployment', 'onair-worker');
      expect(worker.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(shutdownDeadlineMs / 1000);
    });

    it('keeps API pods available through disruptions, and scales them on CPU', () => {
      const budget = find(objects, 'PodDisruptionBudget', 'onair-api');
      const apiLabels = find(objects, 'Deployment', 'onair-api').spec.template.metadata.labels;
      expect(budget.spec.selector.matchLabels).toEqual(apiLabels);
      expect(budget.spec.maxUnavailable).toBe(1);
      const autoscaler = find(objects, 'HorizontalPodAutoscaler', 'onair-api');
      expect(autoscaler.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'onair-api' });
      expect(autoscaler.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(autoscaler.spec.metrics).toEqual([
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 65 } } },
      ]);
      // Utilization is of the request: without one the HPA cannot scale.
      expect(container(find(objects, 'Deployment', 'onair-api'), 'api').resources.requests.cpu).toBe('1');
    });

    it("scales the workers with KEDA on the short-video queue's depth from OnAir's metrics", () => {
      const scaled = find(objects, 'ScaledObject', 'onair-worker');
      expect(scaled.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'onair-worker' });
      const worker = find(objects, 'Deployment', 'onair-worker');
      expect(scaled.metadata.namespace).toBe(worker.metadata.namespace);
      const [trigger] = scaled.spec.triggers;
      expect(trigger.type).toBe('prometheus');
      // The gauge of packages/api/src/infra/queue-metrics.ts, reported alike by every process: max, not sum.
      expect(trigger.metadata.query).toContain('onair_queue_jobs{queue="short-video"');
      expect(trigger.metadata.query).toContain('waiting');
      expect(trigger.metadata.query).toMatch(/max by \(state\)/);
      expect(trigger.metadata.threshold).toBe(find(objects, 'ConfigMap', 'onair-settings').data?.WORKER_CONCURRENCY);
      const workerContainer = container(worker, 'worker');
      expect(workerContainer.command).toEqual(['node', 'dist/worker.js']);
      expect(workerContainer.env).toContainEqual({ name: 'WORKER_METRICS_PORT', value: '9100' });
      expect(workerContainer.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
      expect(worker.spec.template.metadata.annotations['prometheus.io/port']).toBe('9100');
    });

    it('routes viewers to the API and operators to the dashboard through an SSE-safe ingress', () => {
      const ingress = find(objects, 'Ingress', 'onair');
      const annotations = ingress.metadata.annotations ?? {};
      expect(annotations['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
      expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(3600);
      expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThanOrEqual(3600);
      expect(annotations['nginx.ingress.kubernetes.io/proxy-http-version']).toBe('1.1');
      // Any pod serves any stream: no affinity, no hashing of clients onto pods.
      expect(Object.keys(annotations).filter((key) => /affinity|upstream-hash-by/.test(key))).toEqual([]);
      const [api, dashboard] = ingress.spec.rules;
      // biome-ignore lint/suspicious/noExplicitAny: see KubernetesObject
      expect(api.http.paths.map((path: any) => [path.path, path.backend.service.name])).toEqual([
        ['/trpc', 'onair-api'],
        ['/media', 'onair-api'],
      ]);
      expect(dashboard.http.paths[0].backend.service).toEqual({ name: 'onair-dashboard', port: { name: 'http' } });
      const dashboardContainer = container(find(objects, 'Deployment', 'onair-dashboard'), 'dashboard');
      expect(dashboardContainer.env).toContainEqual({ name: 'API_URL', value: 'http://onair-api:4000' });
      expect(find(objects, 'Service', 'onair-api').spec.sessionAffinity).toBeUndefined();
    });

    it('reaches Redis Cluster and PostgreSQL as services outside the base, and shares one media volume', () => {
      find(objects, 'Service', 'redis-cluster');
      expect(find(objects, 'Service', 'postgres').spec).toMatchObject({ type: 'ExternalName' });
      const claim = find(objects, 'PersistentVolumeClaim', 'onair-media');
      expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
      for (const name of ['onair-api', 'onair-worker']) {
        expect(find(objects, 'Deployment', name).spec.template.spec.volumes).toEqual([
          { name: 'media', persistentVolumeClaim: { claimName: 'onair-media' } },
        ]);
      }
    });
  });
}

describe('deploy/kubernetes/overlays/example', () => {
  it('puts everything in its namespace, with its image and hosts, and Redis on addresses outside Kubernetes', () => {
    const objects = render('deploy/kubernetes/overlays/example');
    for (const object of objects.filter((candidate) => candidate.kind !== 'Namespace')) {
      expect(object.metadata.namespace, `${object.kind} ${object.metadata.name}`).toBe('onair');
    }
    for (const name of ['onair-api', 'onair-worker', 'onair-dashboard']) {
      expect(find(objects, 'Deployment', name).spec.template.spec.containers[0].image).toBe(
        'registry.example.com/onair:1.0.0',
      );
    }
    expect(find(objects, 'Service', 'redis-cluster').spec).toEqual({
      type: 'ClusterIP',
      ports: [{ name: 'redis', port: 6379 }],
    });
    const seeds = find(objects, 'EndpointSlice', 'redis-cluster-seeds');
    expect(seeds.metadata.labels?.['kubernetes.io/service-name']).toBe('redis-cluster');
    expect(find(objects, 'ConfigMap', 'onair-settings').data?.PRESENCE_SHARDS).toBe('8');
  });
});
