import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * The part of `kubectl kustomize` that deploy/k8s uses, so the manifests can be checked
 * where kubectl is not installed. Anything else in a kustomization.yaml is refused with an
 * error instead of being skipped, so the tests never check something other than what
 * `kubectl apply -k` would apply.
 *
 * One deliberate difference: generated ConfigMaps keep their plain names. kustomize
 * appends a content hash (`common-config-kdff4m28hc`) and rewrites every reference to it,
 * so references resolve the same way in both.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Resource extends JsonObject {
  apiVersion: string;
  kind: string;
  metadata: JsonObject & { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'replicas', 'patches', 'configMapGenerator']);

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export function readYamlDocuments(file: string): Json[] {
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  const values: Json[] = [];
  for (const document of documents) {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
    const value = document.toJS() as Json;
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

/** Renders the kustomization in `dir` (a base or an overlay) into its resources. */
export function renderKustomization(dir: string): Resource[] {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((name) => join(dir, name)).find((path) => existsSync(path));
  if (!file) throw new Error(`${dir}: no kustomization.yaml`);
  const [kustomization] = readYamlDocuments(file);
  if (!isObject(kustomization)) throw new Error(`${file}: not a mapping`);
  for (const field of Object.keys(kustomization)) {
    if (!SUPPORTED_FIELDS.has(field)) throw new Error(`${file}: "${field}" is not supported by the test's renderer (deploy/test/kustomize.ts); extend it first`);
  }

  let resources: Resource[] = [];
  for (const entry of asArray(kustomization.resources, 'resources', file)) {
    if (typeof entry !== 'string') throw new Error(`${file}: resources entries must be paths`);
    const path = resolve(dir, entry);
    if (!existsSync(path)) throw new Error(`${file}: resource ${entry} does not exist`);
    const added = statSync(path).isDirectory() ? renderKustomization(path) : readYamlDocuments(path).map((doc) => asResource(doc, path));
    for (const resource of added) {
      if (resources.some((r) => sameId(r, resource))) throw new Error(`${file}: ${idOf(resource)} is defined twice`);
      resources.push(resource);
    }
  }

  resources = applyConfigMapGenerator(resources, kustomization.configMapGenerator, file);
  for (const patch of asArray(kustomization.patches, 'patches', file)) resources = applyPatch(resources, patch, dir, file);
  if (typeof kustomization.namespace === 'string') {
    for (const resource of resources) resource.metadata.namespace = kustomization.namespace;
  } else if (kustomization.namespace !== undefined) throw new Error(`${file}: namespace must be a string`);
  for (const entry of asArray(kustomization.labels, 'labels', file)) applyLabels(resources, entry, file);
  for (const entry of asArray(kustomization.replicas, 'replicas', file)) applyReplicas(resources, entry, file);
  for (const entry of asArray(kustomization.images, 'images', file)) applyImage(resources, entry, file);
  return resources;
}

function asArray(value: Json | undefined, field: string, file: string): Json[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`${file}: ${field} must be a list`);
  return value;
}

function asResource(doc: Json, file: string): Resource {
  if (!isObject(doc) || typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string' || !isObject(doc.metadata) || typeof doc.metadata.name !== 'string') {
    throw new Error(`${file}: every document needs apiVersion, kind and metadata.name`);
  }
  return doc as Resource;
}

export const idOf = (r: Resource) => `${r.kind}/${r.metadata.name}`;
const sameId = (a: Resource, b: Resource) => a.kind === b.kind && a.metadata.name === b.metadata.name && a.metadata.namespace === b.metadata.namespace;

function applyConfigMapGenerator(resources: Resource[], generators: Json | undefined, file: string): Resource[] {
  for (const generator of asArray(generators, 'configMapGenerator', file)) {
    if (!isObject(generator) || typeof generator.name !== 'string') throw new Error(`${file}: a configMapGenerator needs a name`);
    for (const field of Object.keys(generator)) {
      if (!['name', 'behavior', 'literals'].includes(field)) throw new Error(`${file}: configMapGenerator.${field} is not supported by the test's renderer`);
    }
    const data: Record<string, string> = {};
    for (const literal of asArray(generator.literals, 'literals', file)) {
      const match = typeof literal === 'string' ? /^([^=]+)=(.*)$/s.exec(literal) : null;
      if (!match) throw new Error(`${file}: configMapGenerator ${generator.name}: literal ${JSON.stringify(literal)} is not KEY=VALUE`);
      data[match[1]!] = match[2]!;
    }
    const behavior = generator.behavior ?? 'create';
    const existing = resources.find((r) => r.kind === 'ConfigMap' && r.metadata.name === generator.name);
    if (behavior === 'create') {
      if (existing) throw new Error(`${file}: ConfigMap ${generator.name} already exists; use behavior: merge or replace`);
      resources.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: generator.name }, data });
    } else if (behavior === 'merge' || behavior === 'replace') {
      if (!existing) throw new Error(`${file}: ConfigMap ${generator.name} to ${behavior} does not exist`);
      existing.data = behavior === 'merge' ? { ...(isObject(existing.data) ? existing.data : {}), ...data } : data;
    } else throw new Error(`${file}: configMapGenerator ${generator.name}: unknown behavior ${String(behavior)}`);
  }
  return resources;
}

function applyPatch(resources: Resource[], entry: Json, dir: string, file: string): Resource[] {
  if (!isObject(entry) || typeof entry.path !== 'string') throw new Error(`${file}: only patches with a path are supported by the test's renderer`);
  for (const field of Object.keys(entry)) {
    if (!['path', 'target'].includes(field)) throw new Error(`${file}: patches[].${field} is not supported by the test's renderer`);
  }
  const patchFile = resolve(dir, entry.path);
  const documents = readYamlDocuments(patchFile);
  if (documents.length !== 1 || !isObject(documents[0])) throw new Error(`${patchFile}: one strategic-merge patch (a mapping) per file`);
  const patch = asResource(documents[0], patchFile);
  const targets = entry.target === undefined ? resources.filter((r) => r.kind === patch.kind && r.metadata.name === patch.metadata.name) : resources.filter((r) => matchesTarget(r, entry.target!, file));
  if (targets.length === 0) throw new Error(`${file}: patch ${entry.path} matches no resource`);
  for (const target of targets) {
    const { apiVersion: _a, kind: _k, metadata, ...rest } = patch;
    const { name: _n, ...metadataRest } = metadata;
    // With a target, the patch's own name is a placeholder, as in kustomize.
    strategicMerge(target, { ...rest, ...(Object.keys(metadataRest).length > 0 ? { metadata: metadataRest } : {}) }, `${patchFile}`);
  }
  return resources;
}

function matchesTarget(resource: Resource, target: Json, file: string): boolean {
  if (!isObject(target)) throw new Error(`${file}: a patch target must be a mapping`);
  for (const [field, value] of Object.entries(target)) {
    if (typeof value !== 'string') throw new Error(`${file}: target.${field} must be a string`);
    if (field === 'kind' && resource.kind !== value) return false;
    else if (field === 'name' && resource.metadata.name !== value) return false;
    else if (field === 'labelSelector') {
      for (const requirement of value.split(',')) {
        const match = /^\s*([^=!\s]+)\s*=\s*([^\s]*)\s*$/.exec(requirement);
        if (!match) throw new Error(`${file}: labelSelector "${value}": only key=value requirements are supported by the test's renderer`);
        if (resource.metadata.labels?.[match[1]!] !== match[2]) return false;
      }
    } else if (!['kind', 'name', 'labelSelector'].includes(field)) throw new Error(`${file}: target.${field} is not supported by the test's renderer`);
  }
  return true;
}

/**
 * Kubernetes' merge keys for the lists our patches touch; any other list is replaced
 * wholesale, as strategic merge does for lists without one.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
};

/** Strategic merge patch, the subset Kubernetes applies to the fields above; `null` deletes. */
export function strategicMerge(target: JsonObject, patch: JsonObject, where: string): void {
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) throw new Error(`${where}: patch directive ${key} is not supported by the test's renderer`);
    const current = target[key];
    if (value === null) delete target[key];
    else if (isObject(value) && isObject(current)) strategicMerge(current, value, where);
    else if (Array.isArray(value) && Array.isArray(current) && MERGE_KEYS[key]) {
      const mergeKey = MERGE_KEYS[key];
      for (const item of value) {
        if (!isObject(item) || item[mergeKey] === undefined) throw new Error(`${where}: every ${key} entry needs its ${mergeKey}`);
        const match = current.find((existing) => isObject(existing) && existing[mergeKey] === item[mergeKey]);
        if (isObject(match)) strategicMerge(match, item, where);
        else current.push(structuredClone(item));
      }
    } else target[key] = structuredClone(value);
  }
}

function applyLabels(resources: Resource[], entry: Json, file: string): void {
  if (!isObject(entry) || !isObject(entry.pairs)) throw new Error(`${file}: labels entries need pairs`);
  for (const field of Object.keys(entry)) {
    if (!['pairs', 'includeSelectors', 'includeTemplates'].includes(field)) throw new Error(`${file}: labels[].${field} is not supported by the test's renderer`);
  }
  // kustomize would also write the pairs into every selector; the manifests keep selectors fixed.
  if (entry.includeSelectors === true) throw new Error(`${file}: labels with includeSelectors: true are not supported by the test's renderer`);
  const pairs = entry.pairs as Record<string, string>;
  for (const resource of resources) {
    resource.metadata.labels = { ...resource.metadata.labels, ...pairs };
    const template = podTemplate(resource);
    if (entry.includeTemplates === true && template) {
      const metadata = (template.metadata ??= {}) as JsonObject;
      metadata.labels = { ...(isObject(metadata.labels) ? metadata.labels : {}), ...pairs };
    }
  }
}

function applyReplicas(resources: Resource[], entry: Json, file: string): void {
  if (!isObject(entry) || typeof entry.name !== 'string' || typeof entry.count !== 'number') throw new Error(`${file}: replicas entries need name and count`);
  const targets = resources.filter((r) => r.metadata.name === entry.name && ['Deployment', 'StatefulSet', 'ReplicaSet'].includes(r.kind));
  if (targets.length === 0) throw new Error(`${file}: replicas: no workload named ${entry.name}`);
  for (const target of targets) (target.spec as JsonObject).replicas = entry.count;
}

function applyImage(resources: Resource[], entry: Json, file: string): void {
  if (!isObject(entry) || typeof entry.name !== 'string') throw new Error(`${file}: images entries need a name`);
  for (const field of Object.keys(entry)) {
    if (!['name', 'newName', 'newTag', 'digest'].includes(field)) throw new Error(`${file}: images[].${field} is not supported by the test's renderer`);
  }
  for (const resource of resources) {
    const spec = podTemplate(resource)?.spec;
    if (!isObject(spec)) continue;
    for (const container of [...asList(spec.containers), ...asList(spec.initContainers)]) {
      if (!isObject(container) || typeof container.image !== 'string') continue;
      const { name, tag, digest } = splitImage(container.image);
      if (name !== entry.name) continue;
      const newName = typeof entry.newName === 'string' ? entry.newName : name;
      if (typeof entry.digest === 'string') container.image = `${newName}@${entry.digest}`;
      else if (entry.newTag !== undefined) container.image = `${newName}:${String(entry.newTag)}`;
      else container.image = `${newName}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
    }
  }
}

const asList = (value: Json | undefined): Json[] => (Array.isArray(value) ? value : []);

export function splitImage(image: string): { name: string; tag?: string; digest?: string } {
  const [withoutDigest, digest] = image.split('@') as [string, string | undefined];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  if (colon < 0) return { name: withoutDigest, digest };
  return { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest };
}

/** The pod template of a workload, if the resource has one. */
export function podTemplate(resource: Resource): JsonObject | undefined {
  if (!['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(resource.kind)) return undefined;
  const spec = resource.spec;
  return isObject(spec) && isObject(spec.template) ? spec.template : undefined;
}
