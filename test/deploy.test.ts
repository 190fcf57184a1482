/**
 * The deployment files (no Docker or Kubernetes here, so they are read, not run): docker-compose.yml and
 * deploy/kubernetes.yaml parse, name only files that exist (or that their header says how to create),
 * and wire the split the README's "Scaling out" describes: Redis, GraphQL replicas sharing it, an
 * inference tier that iris-remote's manifest really points at, an autoscaler on the front, the Redis URL
 * from a Secret.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseManifest } from '../src/tasks/registry.js';

const root = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface ComposeService {
  readonly build?: string;
  readonly environment?: Record<string, string>;
  readonly depends_on?: Record<string, unknown>;
  readonly ports?: string[];
  readonly expose?: string[];
  readonly volumes?: string[];
}
interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string } };
}
interface Container {
  readonly ports: { readonly containerPort: number; readonly name: string }[];
  readonly env?: EnvVar[];
  readonly volumeMounts?: { readonly name: string; readonly mountPath: string }[];
}
interface Volume {
  readonly name: string;
  readonly secret?: { readonly secretName: string };
  readonly configMap?: { readonly name: string };
}
/** The fields of Deployments, Services and HorizontalPodAutoscalers these tests read. */
interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly replicas?: number;
    readonly selector?: Record<string, unknown>;
    readonly template?: {
      readonly metadata: { readonly labels: Record<string, string> };
      readonly spec: { readonly containers: Container[]; readonly volumes?: Volume[] };
    };
    readonly ports?: { readonly port: number; readonly targetPort: string }[];
    readonly scaleTargetRef?: Record<string, string>;
    readonly minReplicas?: number;
  };
}

const exampleManifest = JSON.parse(read('deploy/front-models/iris-remote/model.json')) as unknown;
const remoteUrl = new URL((exampleManifest as { backend: { url: string } }).backend.url);

describe('the example front-tier manifest', () => {
  it('is a valid manifest naming the inference tier, with its credentials from the environment', () => {
    const parsed = parseManifest(exampleManifest);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.manifest.backend).toMatchObject({ kind: 'kserve-v2', model: 'iris', version: 2 });
    expect(remoteUrl.hostname).toBe('inference');
    expect(Object.values(parsed.manifest.backend?.headers ?? {})).toEqual([`\${INFERENCE_API_KEY}`]);
  });
});

describe('docker-compose.yml', () => {
  const text = read('docker-compose.yml');
  const services = (parse(text, { merge: true }) as { services: Record<string, ComposeService> }).services;

  it('runs Redis, an inference tier and two GraphQL replicas sharing Redis', () => {
    expect(Object.keys(services).sort()).toEqual(['graphql-1', 'graphql-2', 'inference', 'redis']);
    for (const name of ['graphql-1', 'graphql-2']) {
      const env = services[name].environment ?? {};
      expect(env.REDIS_URL, name).toBe('redis://redis:6379');
      expect(env.INFERENCE_API_KEY, name).toMatch(/^\$\{INFERENCE_API_KEY:\?/);
      expect(Object.keys(services[name].depends_on ?? {}).sort()).toEqual(['inference', 'redis']);
    }
    // Each replica on its own host port.
    expect(services['graphql-1'].ports?.[0]).toBe('4000:4000');
    expect(services['graphql-2'].ports?.[0]).toBe('4001:4000');
  });

  it("serves iris-remote on the front, pointing at the inference tier's service and port", () => {
    for (const name of ['graphql-1', 'graphql-2']) {
      expect(services[name].volumes).toContain('./deploy/front-models/iris-remote:/app/models/iris-remote:ro');
    }
    expect(services[remoteUrl.hostname]).toBeDefined();
    expect(services.inference.expose).toEqual([remoteUrl.port]);
    expect(services.inference.ports).toBeUndefined();
  });

  it('names only files that exist, or keys.json, which its header says how to create', () => {
    expect(existsSync(join(root, services.inference.build ?? '(none)', 'Dockerfile'))).toBe(true);
    const sources = Object.values(services).flatMap((service) =>
      (service.volumes ?? []).map((volume) => volume.split(':')[0]).filter((source) => source.startsWith('./')),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of new Set(sources)) {
      if (source === './keys.json') expect(text).toMatch(/npm run keys -- create .* --file keys\.json/);
      else expect(existsSync(join(root, source)), source).toBe(true);
    }
  });
});

describe('deploy/kubernetes.yaml', () => {
  const text = read('deploy/kubernetes.yaml');
  const documents = parseAllDocuments(text).map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJS() as K8sObject;
  });
  const named = (kind: string, name: string) => {
    const found = documents.find((d) => d.kind === kind && d.metadata.name === name);
    expect(found, `${kind} ${name}`).toBeDefined();
    return found as K8sObject;
  };
  const deployments = documents.filter((d) => d.kind === 'Deployment');
  const podOf = (deployment: K8sObject) => deployment.spec.template?.spec ?? { containers: [] };
  const envOf = (deployment: K8sObject) => podOf(deployment).containers[0]?.env ?? [];

  it('splits a GraphQL front, an inference tier and Redis, each Service selecting its Deployment', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['inference', 'onnx-graphql-gateway', 'redis']);
    for (const service of documents.filter((d) => d.kind === 'Service')) {
      const target = named('Deployment', service.metadata.name);
      expect(target.spec.template?.metadata.labels).toMatchObject(service.spec.selector ?? { missing: 'selector' });
      const portNames = podOf(target).containers[0].ports.map((p) => p.name);
      for (const port of service.spec.ports ?? []) expect(portNames).toContain(port.targetPort);
    }
  });

  it('scales the front with a HorizontalPodAutoscaler, which owns its replica count', () => {
    const hpa = named('HorizontalPodAutoscaler', 'onnx-graphql-gateway');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'onnx-graphql-gateway' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(named('Deployment', 'onnx-graphql-gateway').spec.replicas).toBeUndefined();
  });

  it('gives the front its Redis URL and inference key from Secrets, and iris-remote from a ConfigMap', () => {
    const front = named('Deployment', 'onnx-graphql-gateway');
    const env = Object.fromEntries(envOf(front).map((e) => [e.name, e]));
    expect(env.REDIS_URL?.valueFrom?.secretKeyRef).toEqual({ name: 'gateway-redis', key: 'url' });
    expect(env.INFERENCE_API_KEY?.valueFrom?.secretKeyRef).toEqual({ name: 'gateway-inference-key', key: 'key' });
    const irisRemote = podOf(front).volumes?.find((v) => v.configMap?.name === 'front-models-iris-remote');
    const mounts = podOf(front).containers[0].volumeMounts ?? [];
    expect(mounts.find((m) => m.name === irisRemote?.name)?.mountPath).toBe('/app/models/iris-remote');
    // Every Secret and ConfigMap the pods use is one the header says how to create.
    const secrets = [
      ...deployments.flatMap((d) => (podOf(d).volumes ?? []).flatMap((v) => (v.secret ? [v.secret.secretName] : []))),
      ...deployments.flatMap(envOf).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [])),
    ];
    for (const secret of new Set(secrets)) expect(text).toContain(`kubectl create secret generic ${secret} `);
    expect(text).toContain('kubectl create configmap front-models-iris-remote ');
  });

  it("serves the inference tier where iris-remote's manifest calls it", () => {
    const service = named('Service', remoteUrl.hostname);
    expect(service.spec.ports?.map((p) => String(p.port))).toContain(remoteUrl.port);
  });

  it('names only files that exist, or keys.json, which it says how to create', () => {
    const files = [...text.matchAll(/--from-file=(\S+)/g)].map((match) => match[1]);
    expect(files).toContain('deploy/front-models/iris-remote/model.json');
    for (const file of files) {
      if (file === 'keys.json') expect(text).toMatch(/npm run keys -- create .* --file keys\.json/);
      else expect(existsSync(join(root, file)), file).toBe(true);
    }
  });
});
