import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { STACK } from '@bff/tools/stack';
import { REPO_ROOT } from '@bff/platform';
import { idOf, podTemplate, renderKustomization, splitImage, type JsonObject, type Resource } from './kustomize';

/**
 * Each BFF releases on its own: in an overlay, `kustomize edit set image <bff>=<image>:<tag>`
 * changes that BFF's Deployment and nothing else, byte for byte; not the other BFF, not a
 * subgraph, not the registry. It holds because each BFF's container names an image of its
 * own in the base (its Deployment's name), which the overlay's `images:` maps to the image.
 * Rendered by the test's renderer, and where kubectl exists by `kubectl kustomize` as well.
 */

const K8S = resolve(REPO_ROOT, 'deploy', 'k8s');
const OVERLAYS = ['development', 'production'] as const;
const BFFS = STACK.filter((s) => s.kind === 'bff').map((s) => s.name);
const RELEASE = 'registry.example.com/graphql-federation:1.4.2';
/** What `docker build -t graphql-federation .` makes, and the development overlay runs. */
const LOCAL_IMAGE = 'graphql-federation';

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The images of a Deployment's containers. */
function imagesOf(deployment: Resource): string[] {
  const spec = podTemplate(deployment)?.spec;
  const containers = isObject(spec) && Array.isArray(spec.containers) ? spec.containers : [];
  return containers.filter(isObject).map((container) => String(container.image));
}

const deployments = (resources: Resource[]) => resources.filter((r) => r.kind === 'Deployment');

/** A render as each resource's YAML text, by kind/name: what "byte-identical" is held against. */
type Render = (dir: string) => Map<string, string>;

const ourRender: Render = (dir) => new Map(renderKustomization(dir).map((r) => [idOf(r), stringify(r)]));

const kubectlRender: Render = (dir) => {
  const output = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (output.status !== 0) throw new Error(`kubectl kustomize ${dir}: ${output.stderr}`);
  // kubectl's own text per document, not a re-serialisation of it.
  return new Map(output.stdout.split(/^---\n/m).map((text) => [idOf(parse(text) as Resource), text]));
};

const haveKubectl = spawnSync('kubectl', ['kustomize', '--help'], { encoding: 'utf8', timeout: 20_000 }).status === 0;
const RENDERERS: [string, Render][] = [['the test renderer', ourRender], ...(haveKubectl ? [['kubectl kustomize', kubectlRender] as [string, Render]] : [])];

/**
 * What `kustomize edit set image <name>=<image>` does to an overlay's kustomization.yaml
 * (kubectl has no `kustomize edit`): the entry of that name gets the new name and tag, or
 * is added.
 */
function setImage(overlayDir: string, name: string, image: string): void {
  const file = join(overlayDir, 'kustomization.yaml');
  const kustomization = parse(readFileSync(file, 'utf8')) as JsonObject;
  const { name: newName, tag: newTag } = splitImage(image);
  if (newTag === undefined) throw new Error(`${image}: a release names its tag`);
  const images = (kustomization.images ??= []) as JsonObject[];
  const entry = images.find((e) => e.name === name);
  if (entry) {
    delete entry.digest;
    Object.assign(entry, { newName, newTag });
  } else images.push({ name, newName, newTag });
  writeFileSync(file, stringify(kustomization));
}

let copy: string;
beforeEach(() => {
  // A copy of deploy/k8s to edit, as a release would edit the real one.
  copy = mkdtempSync(join(tmpdir(), 'bff-release-'));
  cpSync(K8S, copy, { recursive: true });
});
afterEach(() => rmSync(copy, { recursive: true, force: true }));

it("names each BFF's image after its Deployment in the base, a name no other Deployment uses", () => {
  const base = deployments(renderKustomization(resolve(K8S, 'base')));
  for (const bff of BFFS) {
    const own = base.find((d) => d.metadata.name === bff)!;
    expect({ bff, images: imagesOf(own).map((image) => splitImage(image).name) }).toEqual({ bff, images: [bff] });
    const sharing = base.filter((d) => d !== own && imagesOf(d).some((image) => splitImage(image).name === bff)).map(idOf);
    expect({ bff, sharing }).toEqual({ bff, sharing: [] });
  }
});

describe.each(OVERLAYS)('overlays/%s', (overlay) => {
  it("maps each BFF's image name to an image (a bare name would be pulled from Docker Hub)", () => {
    for (const deployment of deployments(renderKustomization(resolve(K8S, 'overlays', overlay)))) {
      const unmapped = imagesOf(deployment).filter((image) => BFFS.includes(splitImage(image).name));
      expect({ deployment: idOf(deployment), unmapped }).toEqual({ deployment: idOf(deployment), unmapped: [] });
    }
  });

  if (overlay === 'development') {
    it('runs every Deployment on the one image built locally', () => {
      const images = new Set(deployments(renderKustomization(resolve(K8S, 'overlays', overlay))).flatMap(imagesOf));
      expect([...images]).toEqual([LOCAL_IMAGE]);
    });
  }

  describe.each(RENDERERS)('rendered by %s', (_renderer, render) => {
    it.each(BFFS)('rolls %s alone to a new tag: every other resource stays byte-identical', (bff) => {
      const dir = join(copy, 'overlays', overlay);
      const before = render(dir);
      setImage(dir, bff, RELEASE);
      const after = render(dir);

      const id = `Deployment/${bff}`;
      const changed = [...new Set([...before.keys(), ...after.keys()])].filter((key) => before.get(key) !== after.get(key));
      expect(changed).toEqual([id]);
      const [oldImage] = imagesOf(parse(before.get(id)!) as Resource);
      expect(imagesOf(parse(after.get(id)!) as Resource)).toEqual([RELEASE]);
      // Nothing but the image moved in the released Deployment either.
      expect(after.get(id)!.replace(`image: ${RELEASE}\n`, `image: ${oldImage}\n`)).toBe(before.get(id));
    });
  });
});
