import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { renderKustomization, splitImage, type JsonObject } from './kustomize';

/**
 * The renderer's semantics where kubectl is missing (where it exists, the manifest test also
 * compares the renderer's output with `kubectl kustomize` on the real manifests).
 */

let root: string;
beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'kustomize-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
}

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: { tier: backend }
spec:
  replicas: 1
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: app
          image: example/api
          args: ["--a"]
          env:
            - { name: A, value: "1" }
            - { name: B, value: "2" }
          resources: { requests: { cpu: 100m } }
        - name: sidecar
          image: example/sidecar:1.0
`;

it('builds an overlay: namespace, labels, generated ConfigMaps merged, replicas, images, targeted patches', () => {
  write({
    'base/kustomization.yaml': `
resources: [deployment.yaml]
namespace: team
configMapGenerator:
  - name: settings
    literals: [MODE=dev, KEEP=yes]
`,
    'base/deployment.yaml': DEPLOYMENT,
    'overlay/kustomization.yaml': `
resources: [../base]
labels:
  - pairs: { env: prod }
    includeTemplates: true
configMapGenerator:
  - name: settings
    behavior: merge
    literals: [MODE=prod]
replicas:
  - { name: api, count: 3 }
images:
  - { name: example/api, newName: registry.example.com/api, newTag: "2.0" }
patches:
  - path: patch.yaml
    target: { kind: Deployment, labelSelector: tier=backend }
`,
    'overlay/patch.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ignored-with-a-target }
spec:
  template:
    spec:
      containers:
        - name: app
          args: ["--b"]
          env:
            - { name: B, value: "two" }
            - { name: C, value: "3" }
          resources: { limits: { cpu: "1" } }
`,
  });
  const resources = renderKustomization(join(root, 'overlay'));
  const deployment = resources.find((r) => r.kind === 'Deployment')!;
  const spec = deployment.spec as JsonObject;
  const template = spec.template as JsonObject;
  const [app, sidecar] = (template.spec as JsonObject).containers as JsonObject[];
  expect(deployment.metadata).toEqual({ name: 'api', namespace: 'team', labels: { tier: 'backend', env: 'prod' } });
  expect(spec.selector).toEqual({ matchLabels: { app: 'api' } });
  expect((template.metadata as JsonObject).labels).toEqual({ app: 'api', env: 'prod' });
  expect(spec.replicas).toBe(3);
  // Containers and env merge by name; other lists (args) are replaced; maps merge.
  expect(app).toEqual({
    name: 'app',
    image: 'registry.example.com/api:2.0',
    args: ['--b'],
    env: [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }, { name: 'C', value: '3' }],
    resources: { requests: { cpu: '100m' }, limits: { cpu: '1' } },
  });
  expect(sidecar).toEqual({ name: 'sidecar', image: 'example/sidecar:1.0' });
  expect(resources.find((r) => r.kind === 'ConfigMap')).toEqual({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'team', labels: { env: 'prod' } },
    data: { MODE: 'prod', KEEP: 'yes' },
  });
});

it('refuses what it does not implement instead of rendering something else', () => {
  write({ 'kustomization.yaml': 'resources: []\nnamePrefix: x-\n' });
  expect(() => renderKustomization(root)).toThrow('"namePrefix" is not supported');
  write({ 'kustomization.yaml': 'labels:\n  - pairs: { a: b }\n    includeSelectors: true\n' });
  expect(() => renderKustomization(root)).toThrow('includeSelectors: true');
});

it('refuses a patch that matches nothing and a resource defined twice', () => {
  write({
    'kustomization.yaml': 'resources: [deployment.yaml]\npatches:\n  - path: patch.yaml\n',
    'deployment.yaml': DEPLOYMENT,
    'patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: other }\nspec: { replicas: 2 }\n',
  });
  expect(() => renderKustomization(root)).toThrow('matches no resource');
  write({ 'kustomization.yaml': 'resources: [deployment.yaml, deployment.yaml]\n' });
  expect(() => renderKustomization(root)).toThrow('defined twice');
});

it('splits image references with registries, ports, tags and digests', () => {
  expect(splitImage('registry.example.com:5000/team/api:1.2')).toEqual({ name: 'registry.example.com:5000/team/api', tag: '1.2', digest: undefined });
  expect(splitImage('api@sha256:abc')).toEqual({ name: 'api', digest: 'sha256:abc' });
});
