import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { STACK, type ServerKind, type StackService } from '@bff/tools/stack';
import { createGraphQLHttpServer, REPO_ROOT } from '@bff/platform';
import { createRegistryServer } from '@bff/schema/registry';
import { scanEnvReads, type ServiceEnvReads } from './env-reads';
import { idOf, podTemplate, readYamlDocuments, renderKustomization, type Json, type JsonObject, type Resource } from './kustomize';

/**
 * The Kubernetes manifests (deploy/k8s) against the code: every service `npm start` runs
 * is deployed, with the entry point, node flags, port and health paths the code has, and
 * every environment variable the code reads is either set or listed below as optional.
 * Both overlays are checked: development (the base on the local image) and production.
 */

const K8S = resolve(REPO_ROOT, 'deploy', 'k8s');
const RENDERS = { development: resolve(K8S, 'overlays', 'development'), production: resolve(K8S, 'overlays', 'production') } as const;
type RenderName = keyof typeof RENDERS;

/** Variables the code reads that a deployment may leave unset, and why. */
const OPTIONAL: Record<string, { reason: string; requiredIn?: RenderName[] }> = {
  DATABASE_SCHEMA: { reason: "defaults to the service's name: each service keeps its tables in a schema of its own" },
  DATA_DIR: { reason: 'the embedded PGlite directory, used only without DATABASE_URL, which every service here gets' },
  MAX_BODY_BYTES: { reason: 'default 1 MiB; subgraphs take requests from the BFFs only' },
  INVENTORY_TIMEOUT_MS: { reason: 'default 5000 ms, well inside the 30 s a database transaction may stay idle' },
  SUPERGRAPH_FILE: { reason: "default: the client's checked-in supergraph (in the image), served until the registry answers" },
  WORKERS: { reason: 'default 1: pods scaled by the HorizontalPodAutoscaler are the unit of scale, not node:cluster workers' },
  JWT_ISSUER: { reason: 'the development issuer in the base; production names its identity provider', requiredIn: ['production'] },
  JWT_AUDIENCE: { reason: 'the development audience in the base; production names its own', requiredIn: ['production'] },
  OTEL_EXPORTER_OTLP_ENDPOINT: { reason: 'tracing is off while unset; production sends spans to the cluster collector', requiredIn: ['production'] },
  QUERY_PLANNER: { reason: "default hive: the Hive Router's query planner, Apollo's for what it cannot plan" },
  USAGE_REPORTING: { reason: 'default on: a BFF with REGISTRY_URL reports its usage there' },
  MAX_CONCURRENT_REQUESTS: { reason: "default 256 requests in flight per subgraph pod, divided evenly among the clients calling it" },
  CACHE_ADMIN_TOKEN: { reason: 'the operators\' cache invalidation path exists only where a Secret sets it' },
  RESPONSE_CACHE: { reason: "default on: the client policy's response cache applies (off is for load tests)" },
  RATE_LIMITS: { reason: "default on: the client policy's rate limits apply (off is for load tests)" },
  REDIS_URL: { reason: "orders announces order changes through PostgreSQL's LISTEN/NOTIFY on the database its replicas share; the BFFs set it (shared APQ and rate limits)" },
  USAGE_REPORT_INTERVAL_MS: { reason: 'default 10000: one usage report per BFF pod every 10 s' },
  USAGE_RETENTION_DAYS: { reason: 'default 30 days of usage kept by the registry' },
  TRAFFIC_WINDOW_DAYS: { reason: 'default 7 days of traffic judged by checks and retirements' },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: { reason: 'the full traces URL, an alternative to OTEL_EXPORTER_OTLP_ENDPOINT (which we set: `/v1/traces` is appended)' },
};

/**
 * Variables set for every service although some do not read them yet: the telemetry
 * settings come from the shared ConfigMap, and every service reads them through
 * platform/src/config/telemetry-config.ts except where a service does not trace.
 */
const SET_AHEAD_OF_CODE: Record<string, string> = {
  LOG_LEVEL: 'log level (default info)',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'where traces go (tracing off when unset)',
  OTEL_SERVICE_NAME: "the OpenTelemetry SDKs' standard name for the service in its spans",
};

/**
 * Variables found by enumerating the environment, by prefix. The routing test below checks
 * that each BFF has exactly one per subgraph, pointing at that subgraph's Service.
 */
const ENV_FAMILIES: Record<string, string> = {
  SUBGRAPH_URL_: "a BFF's route to one subgraph, SUBGRAPH_URL_<NAME>",
};

/** Credentials: from Secrets only, never a ConfigMap or a literal in a manifest. */
const SECRET_VARIABLES = ['GATEWAY_SECRET', 'JWT_SECRET', 'JWKS_URL', 'DATABASE_URL', 'REDIS_URL', 'REGISTRY_TOKEN', 'REGISTRY_USAGE_TOKEN'];
const looksSecret = (name: string) => SECRET_VARIABLES.includes(name) || /SECRET|TOKEN|PASSWORD|PRIVATE_KEY|CREDENTIAL/.test(name);
const hasUrlCredentials = (value: string) => /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i.test(value);

/**
 * Sources outside the namespace allowed to reach subgraph pods besides the BFFs, and why.
 * Anything else (another namespace, an IP block, "from anywhere") fails the policy test.
 */
const ALLOWED_EXTERNAL_PEERS: { peer: JsonObject; reason: string }[] = [
  {
    peer: {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
    },
    reason: '/metrics shares the GraphQL port; only the Prometheus pods of the monitoring namespace',
  },
];

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: Json | undefined): JsonObject[] => (Array.isArray(value) ? value.filter(isObject) : []);

// ---------------------------------------------------------------------------------------
// Reading the rendered manifests

interface Workload {
  service: (typeof STACK)[number];
  deployment: Resource;
  container: JsonObject;
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  env: Map<string, EnvSource>;
}

type EnvSource =
  | { from: 'value'; value: string }
  | { from: 'configMap'; configMap: string; key: string; value: string | undefined }
  | { from: 'secret'; secret: string; key: string; optional: boolean }
  | { from: 'field' };

interface Rendered {
  name: RenderName;
  resources: Resource[];
  namespace: string;
  workloads: Workload[];
}

function ofKind(resources: Resource[], kind: string): Resource[] {
  return resources.filter((r) => r.kind === kind);
}

function find(resources: Resource[], kind: string, name: string): Resource | undefined {
  return resources.find((r) => r.kind === kind && r.metadata.name === name);
}

function configMapData(resources: Resource[], name: string): Record<string, string> | undefined {
  const configMap = find(resources, 'ConfigMap', name);
  return configMap ? ((configMap.data as Record<string, string> | undefined) ?? {}) : undefined;
}

/** What a container's environment holds: envFrom first, then env entries override. */
function containerEnv(container: JsonObject, resources: Resource[], where: string): Map<string, EnvSource> {
  const env = new Map<string, EnvSource>();
  for (const source of list(container.envFrom)) {
    if (source.prefix !== undefined) throw new Error(`${where}: envFrom with a prefix is not understood by this test`);
    if (isObject(source.configMapRef)) {
      const name = String(source.configMapRef.name);
      const data = configMapData(resources, name);
      if (!data) {
        if (source.configMapRef.optional === true) continue;
        throw new Error(`${where}: envFrom names ConfigMap ${name}, which the manifests do not define`);
      }
      for (const [key, value] of Object.entries(data)) env.set(key, { from: 'configMap', configMap: name, key, value });
    } else if (isObject(source.secretRef)) {
      const name = String(source.secretRef.name);
      for (const key of secretTemplateKeys().get(name) ?? []) env.set(key, { from: 'secret', secret: name, key, optional: source.secretRef.optional === true });
    }
  }
  for (const entry of list(container.env)) {
    const name = String(entry.name);
    if (typeof entry.value === 'string') env.set(name, { from: 'value', value: entry.value });
    else if (isObject(entry.valueFrom) && isObject(entry.valueFrom.secretKeyRef)) {
      const ref = entry.valueFrom.secretKeyRef;
      env.set(name, { from: 'secret', secret: String(ref.name), key: String(ref.key), optional: ref.optional === true });
    } else if (isObject(entry.valueFrom) && isObject(entry.valueFrom.configMapKeyRef)) {
      const ref = entry.valueFrom.configMapKeyRef;
      const value = configMapData(resources, String(ref.name))?.[String(ref.key)];
      if (value === undefined && ref.optional !== true) throw new Error(`${where}: env ${name} refers to ${String(ref.name)}/${String(ref.key)}, which the manifests do not define`);
      env.set(name, { from: 'configMap', configMap: String(ref.name), key: String(ref.key), value });
    } else if (isObject(entry.valueFrom)) env.set(name, { from: 'field' });
    else throw new Error(`${where}: env ${name} has neither value nor valueFrom`);
  }
  return env;
}

function render(name: RenderName): Rendered {
  const resources = renderKustomization(RENDERS[name]);
  const namespaces = new Set(resources.map((r) => r.metadata.namespace));
  if (namespaces.size !== 1 || !namespaces.values().next().value) throw new Error(`${name}: expected every resource in one namespace, got ${[...namespaces].join(', ')}`);
  const workloads: Workload[] = [];
  for (const service of STACK) {
    const deployment = find(resources, 'Deployment', service.name);
    const template = deployment && podTemplate(deployment);
    if (!deployment || !template || !isObject(template.spec)) continue; // reported by the Deployment test
    const containers = list(template.spec.containers);
    const metadata = isObject(template.metadata) ? template.metadata : {};
    workloads.push({
      service,
      deployment,
      container: containers[0]!,
      podLabels: (metadata.labels as Record<string, string> | undefined) ?? {},
      podAnnotations: (metadata.annotations as Record<string, string> | undefined) ?? {},
      env: containers[0] ? containerEnv(containers[0], resources, `${name}: Deployment/${service.name}`) : new Map(),
    });
  }
  return { name, resources, namespace: namespaces.values().next().value!, workloads };
}

let templateCache: Map<string, string[]> | undefined;
/** The Secrets the manifests expect to exist: deploy/k8s/secrets.template.yaml, by name and key. */
function secretTemplateKeys(): Map<string, string[]> {
  templateCache ??= new Map(
    readYamlDocuments(resolve(K8S, 'secrets.template.yaml')).map((doc) => {
      const secret = doc as Resource;
      return [secret.metadata.name, Object.keys({ ...(secret.stringData as JsonObject | undefined), ...(secret.data as JsonObject | undefined) })];
    }),
  );
  return templateCache;
}

/** The literal value a variable has in a container, if it has one (a literal or ConfigMap value). */
function plainValue(source: EnvSource | undefined): string | undefined {
  if (source?.from === 'value') return source.value;
  if (source?.from === 'configMap') return source.value;
  return undefined;
}

/** `node <flags> <loader> <entry>`, as the launcher (tools/stack/launcher.ts) runs a service. */
function expectedCommand(service: StackService): string[] {
  const loader = service.loader === 'tsx-cjs' ? ['--require', 'tsx/cjs'] : ['--import', 'tsx'];
  return ['node', ...(service.nodeFlags ?? []), ...loader, service.entry];
}

function matchesSelector(labels: Record<string, string>, selector: Json | undefined): boolean {
  if (!isObject(selector)) return false;
  const matchLabels = isObject(selector.matchLabels) ? selector.matchLabels : {};
  for (const [key, value] of Object.entries(matchLabels)) if (labels[key] !== value) return false;
  for (const expression of list(selector.matchExpressions)) {
    const key = String(expression.key);
    const values = Array.isArray(expression.values) ? expression.values.map(String) : [];
    const has = key in labels;
    switch (expression.operator) {
      case 'In': if (!has || !values.includes(labels[key]!)) return false; break;
      case 'NotIn': if (has && values.includes(labels[key]!)) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: throw new Error(`unknown selector operator ${String(expression.operator)}`);
    }
  }
  return true;
}

/** A Service's `spec.selector` is a plain label map. */
function serviceSelects(service: Resource, labels: Record<string, string>): boolean {
  const selector = isObject(service.spec) && isObject(service.spec.selector) ? (service.spec.selector as Record<string, string>) : undefined;
  return !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function containerPort(workload: Workload, port: Json | undefined): number | undefined {
  for (const declared of list(workload.container.ports)) {
    if (port === declared.name || port === declared.containerPort) return Number(declared.containerPort);
  }
  return undefined;
}

/** The port the code listens on: PORT if the manifest sets it, else the service's default. */
function listeningPort(workload: Workload): number {
  const value = plainValue(workload.env.get('PORT'));
  return value === undefined ? workload.service.defaultPort : Number(value);
}

function parseQuantity(value: Json | undefined): number {
  const text = String(value);
  const match = /^([0-9.]+)(m|Ki|Mi|Gi|Ti|k|M|G)?$/.exec(text);
  if (!match) throw new Error(`not a quantity: ${text}`);
  const factor: Record<string, number> = { m: 1e-3, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, M: 1e6, G: 1e9 };
  return Number(match[1]) * (match[2] ? factor[match[2]]! : 1);
}

// ---------------------------------------------------------------------------------------
// Network policies, evaluated the way Kubernetes does for traffic inside the namespace

interface Peer {
  namespace: string;
  labels: Record<string, string>;
}

function ingressPolicies(resources: Resource[], target: Workload): JsonObject[] {
  return ofKind(resources, 'NetworkPolicy')
    .filter((policy) => isObject(policy.spec) && matchesSelector(target.podLabels, policy.spec.podSelector))
    .filter((policy) => {
      const spec = policy.spec as JsonObject;
      const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : ['Ingress'];
      return types.includes('Ingress');
    })
    .map((policy) => policy.spec as JsonObject);
}

function peerMatches(peer: JsonObject, from: Peer, policyNamespace: string): boolean {
  if (peer.ipBlock !== undefined) return false;
  const namespaceLabels = { 'kubernetes.io/metadata.name': from.namespace };
  const namespaceOk = peer.namespaceSelector === undefined ? from.namespace === policyNamespace : matchesSelector(namespaceLabels, peer.namespaceSelector);
  const podOk = peer.podSelector === undefined ? true : matchesSelector(from.labels, peer.podSelector);
  return namespaceOk && podOk;
}

function portAllowed(rule: JsonObject, target: Workload, port: number): boolean {
  const ports = list(rule.ports);
  return ports.length === 0 || ports.some((p) => containerPort(target, p.port) === port);
}

/** Whether a pod of `from` may open a connection to `target`'s listening port. */
function ingressAllowed(rendered: Rendered, from: Workload, target: Workload): boolean {
  const policies = ingressPolicies(rendered.resources, target);
  if (policies.length === 0) return true;
  const port = listeningPort(target);
  const peer = { namespace: rendered.namespace, labels: from.podLabels };
  return policies.some((policy) =>
    list(policy.ingress).some((rule) => portAllowed(rule, target, port) && (rule.from === undefined || list(rule.from).some((p) => peerMatches(p, peer, rendered.namespace)))),
  );
}

/** The in-cluster Service an http URL points at, if it does. */
function serviceOfUrl(rendered: Rendered, value: string): { service: Resource; url: URL } | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const ns = rendered.namespace;
  const suffixes = ['', `.${ns}`, `.${ns}.svc`, `.${ns}.svc.cluster.local`];
  const service = ofKind(rendered.resources, 'Service').find((s) => suffixes.some((suffix) => url.hostname === `${s.metadata.name}${suffix}`));
  return service ? { service, url } : undefined;
}

// ---------------------------------------------------------------------------------------

let envReads: Map<string, ServiceEnvReads>;
const renders = {} as Record<RenderName, Rendered>;

beforeAll(() => {
  envReads = scanEnvReads(REPO_ROOT, STACK.map((s) => s.entry));
  for (const name of Object.keys(RENDERS) as RenderName[]) renders[name] = render(name);
}, 120_000);

describe('the scan of the code', () => {
  it('finds how every service takes its port, so the other checks stand on something', () => {
    for (const service of STACK) {
      const reads = envReads.get(service.entry)!;
      expect({ service: service.name, readsPort: reads.reads.some((r) => r.name === 'PORT') }).toEqual({ service: service.name, readsPort: true });
    }
  });

  it('can name every variable the code reads (no computed names it cannot follow)', () => {
    const dynamic = STACK.flatMap((s) => envReads.get(s.entry)!.dynamic.map((d) => `${s.name}: ${d.expression} at ${d.at}`));
    expect(dynamic).toEqual([]);
  });

  it('sees each service load the HTTP server whose health paths the probe test asks', () => {
    for (const service of STACK) {
      const modules = envReads.get(service.entry)!.modules;
      expect({ service: service.name, loads: modules.includes(HEALTH_SERVERS[service.kind].module) }).toEqual({ service: service.name, loads: true });
    }
  });

  it('knows every family of variables the code finds by pattern', () => {
    const unknown = STACK.flatMap((s) => envReads.get(s.entry)!.families.filter((f) => !(f.prefix in ENV_FAMILIES)).map((f) => `${s.name}: ${f.prefix || '(no pattern found)'}* at ${f.at}`));
    expect(unknown).toEqual([]);
  });
});

describe.each(Object.keys(RENDERS) as RenderName[])('deploy/k8s %s', (name) => {
  const rendered = () => renders[name];

  it('has a Deployment and a Service for every service npm start runs, and nothing else', () => {
    const { resources } = rendered();
    const missing = STACK.flatMap((s) => ['Deployment', 'Service'].filter((kind) => !find(resources, kind, s.name)).map((kind) => `${kind}/${s.name}`));
    expect(missing).toEqual([]);
    const stray = ofKind(resources, 'Deployment').filter((d) => !STACK.some((s) => s.name === d.metadata.name)).map(idOf);
    expect(stray).toEqual([]);
  });

  it('labels each workload with its kind of service (what policies and patches select on)', () => {
    for (const w of rendered().workloads) {
      expect({ service: w.service.name, component: w.podLabels['app.kubernetes.io/component'] }).toEqual({ service: w.service.name, component: w.service.kind });
      expect(matchesSelector(w.podLabels, (w.deployment.spec as JsonObject).selector)).toBe(true);
    }
  });

  it("runs each service's entry point with the node flags and loader stack.ts gives it", () => {
    for (const w of rendered().workloads) {
      const containers = list((podTemplate(w.deployment)!.spec as JsonObject).containers);
      expect({ service: w.service.name, containers: containers.length }).toEqual({ service: w.service.name, containers: 1 });
      const command = [...((w.container.command as string[] | undefined) ?? []), ...((w.container.args as string[] | undefined) ?? [])];
      expect({ service: w.service.name, command }).toEqual({ service: w.service.name, command: expectedCommand(w.service) });
    }
  });

  it('exposes the port the code listens on, through the container, the Service and the scrape annotations', () => {
    const { resources } = rendered();
    for (const w of rendered().workloads) {
      const port = listeningPort(w);
      const at = { service: w.service.name };
      expect({ ...at, containerPort: containerPort(w, 'http') }).toEqual({ ...at, containerPort: port });
      const service = find(resources, 'Service', w.service.name)!;
      expect({ ...at, selectsPods: serviceSelects(service, w.podLabels) }).toEqual({ ...at, selectsPods: true });
      const others = rendered().workloads.filter((o) => o !== w && serviceSelects(service, o.podLabels)).map((o) => o.service.name);
      expect({ ...at, alsoSelects: others }).toEqual({ ...at, alsoSelects: [] });
      const servicePorts = list((service.spec as JsonObject).ports);
      expect(servicePorts.length).toBeGreaterThan(0);
      for (const p of servicePorts) expect({ ...at, targetPort: containerPort(w, p.targetPort ?? p.port) }).toEqual({ ...at, targetPort: port });
      expect({ ...at, scrape: w.podAnnotations['prometheus.io/scrape'], path: w.podAnnotations['prometheus.io/path'], port: w.podAnnotations['prometheus.io/port'] }).toEqual({
        ...at,
        scrape: 'true',
        path: '/metrics',
        port: String(port),
      });
    }
  });

  it('points the Prometheus scrape at a path the service answers', async () => {
    for (const w of rendered().workloads) {
      const path = w.podAnnotations['prometheus.io/path'] ?? '/metrics';
      const status = await askHealth(w.service.kind, path, true);
      expect({ service: w.service.name, path, status }).toEqual({ service: w.service.name, path, status: 200 });
    }
  });

  it('listens on all interfaces: the code defaults to 127.0.0.1, which the Service cannot reach', () => {
    for (const w of rendered().workloads) {
      expect({ service: w.service.name, HOST: plainValue(w.env.get('HOST')) }).toEqual({ service: w.service.name, HOST: expect.stringMatching(/^(0\.0\.0\.0|::)$/) });
    }
  });

  it("probes the health paths the service's HTTP server answers, on its port", async () => {
    for (const w of rendered().workloads) {
      const probes = { liveness: w.container.livenessProbe, readiness: w.container.readinessProbe, startup: w.container.startupProbe };
      const at = { service: w.service.name };
      expect({ ...at, liveness: isObject(probes.liveness), readiness: isObject(probes.readiness) }).toEqual({ ...at, liveness: true, readiness: true });
      const readinessPath = httpGet(probes.readiness).path;
      expect({ ...at, readinessPath }).toEqual({ ...at, readinessPath: w.service.readyPath });
      for (const [kind, probe] of Object.entries(probes)) {
        if (probe === undefined) continue;
        const { path, port } = httpGet(probe);
        expect({ ...at, probe: kind, port: containerPort(w, port) }).toEqual({ ...at, probe: kind, port: listeningPort(w) });
        // Liveness and startup must hold while dependencies are away (or a pod waiting for
        // its database gets restarted); readiness must not.
        const whileNotReady = await askHealth(w.service.kind, path, false);
        const whileReady = await askHealth(w.service.kind, path, true);
        const expected = kind === 'readiness' ? { whileNotReady: 503, whileReady: 200 } : { whileNotReady: 200, whileReady: 200 };
        expect({ ...at, probe: kind, path, whileNotReady, whileReady }).toEqual({ ...at, probe: kind, path, ...expected });
      }
    }
  });

  it('sets every variable the code reads, unless it is optional for a stated reason', () => {
    const missing: string[] = [];
    for (const w of rendered().workloads) {
      for (const read of envReads.get(w.service.entry)!.reads) {
        const optional = OPTIONAL[read.name];
        const required = !optional || optional.requiredIn?.includes(name);
        if (required && !w.env.has(read.name)) missing.push(`${w.service.name}: ${read.name} (read at ${read.at})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('sets no variable the code does not read (a misspelt name would go unnoticed)', () => {
    const unread: string[] = [];
    for (const w of rendered().workloads) {
      const scan = envReads.get(w.service.entry)!;
      for (const variable of w.env.keys()) {
        const read = scan.reads.some((r) => r.name === variable) || scan.families.some((f) => f.prefix && variable.startsWith(f.prefix));
        if (!read && !(variable in SET_AHEAD_OF_CODE)) unread.push(`${w.service.name}: ${variable}`);
      }
    }
    expect(unread).toEqual([]);
  });

  it('takes credentials from Secrets only, never from a ConfigMap or a literal', () => {
    const exposed: string[] = [];
    for (const w of rendered().workloads) {
      for (const [variable, source] of w.env) {
        const value = plainValue(source);
        if ((looksSecret(variable) && source.from !== 'secret') || (value !== undefined && hasUrlCredentials(value))) {
          exposed.push(`${w.service.name}: ${variable} from ${source.from}`);
        }
      }
    }
    for (const configMap of ofKind(rendered().resources, 'ConfigMap')) {
      for (const [key, value] of Object.entries((configMap.data as Record<string, string>) ?? {})) {
        if (looksSecret(key) || hasUrlCredentials(String(value))) exposed.push(`ConfigMap/${configMap.metadata.name}: ${key}`);
      }
    }
    expect(exposed).toEqual([]);
    // Secrets are created outside kustomize: `apply -k` must never overwrite them with placeholders.
    expect(ofKind(rendered().resources, 'Secret').map(idOf)).toEqual([]);
  });

  it('refers only to Secret keys the template documents, which lists no unused key and no real value', () => {
    const template = secretTemplateKeys();
    const referenced = new Set<string>();
    const unknown: string[] = [];
    for (const w of rendered().workloads) {
      for (const source of w.env.values()) {
        if (source.from !== 'secret') continue;
        referenced.add(`${source.secret}/${source.key}`);
        if (!template.get(source.secret)?.includes(source.key)) unknown.push(`${w.service.name}: ${source.secret}/${source.key}`);
      }
    }
    expect(unknown).toEqual([]);
    const unused = [...template].flatMap(([secret, keys]) => keys.map((key) => `${secret}/${key}`)).filter((ref) => !referenced.has(ref));
    expect(unused).toEqual([]);
    // A template, not a place for values: each one a <placeholder>.
    const filledIn = readYamlDocuments(resolve(K8S, 'secrets.template.yaml')).flatMap((doc) =>
      Object.entries({ ...((doc as Resource).stringData as JsonObject), ...((doc as Resource).data as JsonObject) })
        .filter(([, value]) => !/^<[^>]+>$/.test(String(value)))
        .map(([key]) => `${(doc as Resource).metadata.name}/${key}`),
    );
    expect(filledIn).toEqual([]);
  });

  it('routes each BFF to every subgraph, and every service call to its Service, path and port', () => {
    const problems: string[] = [];
    const byName = new Map(rendered().workloads.map((w) => [w.service.name, w]));
    const checkRoute = (caller: Workload, variable: string, targetName: string) => {
      const value = plainValue(caller.env.get(variable));
      const target = byName.get(targetName)!;
      const resolved = value === undefined ? undefined : serviceOfUrl(rendered(), value);
      if (!resolved || resolved.service.metadata.name !== targetName) return problems.push(`${caller.service.name}: ${variable}=${value} does not point at Service ${targetName}`);
      const servicePort = list((resolved.service.spec as JsonObject).ports)[0]?.port;
      const urlPort = Number(resolved.url.port || (resolved.url.protocol === 'https:' ? 443 : 80));
      if (urlPort !== servicePort) problems.push(`${caller.service.name}: ${variable} uses port ${urlPort}, Service ${targetName} listens on ${servicePort}`);
      const path = resolved.url.pathname === '/' ? '' : resolved.url.pathname;
      if (path !== target.service.publicPath) problems.push(`${caller.service.name}: ${variable} has path "${path}", ${targetName} serves "${target.service.publicPath}"`);
    };
    const subgraphs = STACK.filter((s) => s.kind === 'subgraph');
    for (const bff of rendered().workloads.filter((w) => w.service.kind === 'bff')) {
      // bffs/core/src/config.ts: SUBGRAPH_URL_<NAME>, the name lower-cased.
      const routed = [...bff.env.keys()].filter((v) => v.startsWith('SUBGRAPH_URL_')).map((v) => v.slice('SUBGRAPH_URL_'.length).toLowerCase());
      for (const extra of routed.filter((n) => !subgraphs.some((s) => s.name === n))) problems.push(`${bff.service.name}: SUBGRAPH_URL_${extra.toUpperCase()} names no subgraph`);
      for (const subgraph of subgraphs) checkRoute(bff, `SUBGRAPH_URL_${subgraph.name.toUpperCase()}`, subgraph.name);
      const registry = STACK.find((s) => s.kind === 'registry');
      if (registry && bff.env.has('REGISTRY_URL')) checkRoute(bff, 'REGISTRY_URL', registry.name);
    }
    for (const w of rendered().workloads) {
      for (const [variable, target] of Object.entries(w.service.calls ?? {})) checkRoute(w, variable, target);
    }
    expect(problems).toEqual([]);
  });

  it('lets only the BFFs (and the subgraph calls the code makes) reach the subgraphs', () => {
    const { resources, namespace, workloads } = rendered();
    const problems: string[] = [];
    for (const subgraph of workloads.filter((w) => w.service.kind === 'subgraph')) {
      const policies = ingressPolicies(resources, subgraph);
      if (policies.length === 0) {
        problems.push(`${subgraph.service.name}: no NetworkPolicy selects it, so every pod in the cluster reaches it`);
        continue;
      }
      const callers = new Set(STACK.filter((s) => Object.values(s.calls ?? {}).includes(subgraph.service.name)).map((s) => s.name));
      for (const rule of policies.flatMap((p) => list(p.ingress))) {
        if (rule.from === undefined || list(rule.from).length === 0) problems.push(`${subgraph.service.name}: an ingress rule without "from" admits everyone`);
        for (const peer of list(rule.from)) {
          const external = peer.ipBlock !== undefined || (peer.namespaceSelector !== undefined && !matchesSelector({ 'kubernetes.io/metadata.name': namespace }, peer.namespaceSelector));
          if (external) {
            if (!ALLOWED_EXTERNAL_PEERS.some((allowed) => isDeepStrictEqual(allowed.peer, peer))) problems.push(`${subgraph.service.name}: admits ${JSON.stringify(peer)}`);
            continue;
          }
          const admitted = workloads.filter((w) => peerMatches(peer, { namespace, labels: w.podLabels }, namespace));
          for (const w of admitted) {
            if (w.service.kind !== 'bff' && !callers.has(w.service.name)) problems.push(`${subgraph.service.name}: admits ${w.service.name}, which neither is a BFF nor calls it`);
          }
          if (admitted.length === 0) problems.push(`${subgraph.service.name}: admits ${JSON.stringify(peer)}, which matches none of the services (a pod anyone can label)`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('lets every call the services make through: BFFs to subgraphs and registry, subgraph to subgraph', () => {
    const { workloads } = rendered();
    const blocked: string[] = [];
    const byName = new Map(workloads.map((w) => [w.service.name, w]));
    for (const caller of workloads) {
      const targets = new Set<string>(Object.values(caller.service.calls ?? {}));
      if (caller.service.kind === 'bff') for (const s of STACK.filter((s) => s.kind === 'subgraph')) targets.add(s.name);
      // Whatever else an in-cluster URL in its environment points at (say, REGISTRY_URL).
      for (const source of caller.env.values()) {
        const value = plainValue(source);
        const resolved = value === undefined ? undefined : serviceOfUrl(rendered(), value);
        if (resolved) targets.add(resolved.service.metadata.name);
      }
      for (const target of targets) {
        const workload = byName.get(target);
        if (workload && !ingressAllowed(rendered(), caller, workload)) blocked.push(`${caller.service.name} -> ${target}`);
      }
    }
    expect(blocked).toEqual([]);
  });

  it('autoscales every BFF, and leaves the replica count of an autoscaled Deployment to the autoscaler', () => {
    const { resources, workloads } = rendered();
    for (const bff of workloads.filter((w) => w.service.kind === 'bff')) {
      const hpa = ofKind(resources, 'HorizontalPodAutoscaler').find((h) => {
        const ref = (h.spec as JsonObject).scaleTargetRef as JsonObject;
        return ref.kind === 'Deployment' && ref.name === bff.service.name;
      });
      const at = { service: bff.service.name };
      expect({ ...at, hpa: !!hpa }).toEqual({ ...at, hpa: true });
      const spec = hpa!.spec as JsonObject;
      expect(Number(spec.minReplicas ?? 1)).toBeGreaterThanOrEqual(1);
      expect(Number(spec.maxReplicas)).toBeGreaterThan(Number(spec.minReplicas ?? 1));
      expect(list(spec.metrics).length).toBeGreaterThan(0);
      // A replicas field would reset the autoscaler's count on every apply.
      expect({ ...at, replicas: (bff.deployment.spec as JsonObject).replicas }).toEqual({ ...at, replicas: undefined });
    }
    for (const hpa of ofKind(resources, 'HorizontalPodAutoscaler')) {
      const ref = (hpa.spec as JsonObject).scaleTargetRef as JsonObject;
      expect({ hpa: hpa.metadata.name, target: !!find(resources, String(ref.kind), String(ref.name)) }).toEqual({ hpa: hpa.metadata.name, target: true });
    }
  });

  it('has a PodDisruptionBudget for every Deployment that still lets a node be drained', () => {
    const { resources, workloads } = rendered();
    for (const w of workloads) {
      const at = { service: w.service.name };
      const budgets = ofKind(resources, 'PodDisruptionBudget').filter((pdb) => matchesSelector(w.podLabels, (pdb.spec as JsonObject).selector));
      expect({ ...at, budgets: budgets.length }).toEqual({ ...at, budgets: 1 });
      const spec = budgets[0]!.spec as JsonObject;
      const strays = workloads.filter((o) => o !== w && matchesSelector(o.podLabels, spec.selector)).map((o) => o.service.name);
      expect({ ...at, alsoCovers: strays }).toEqual({ ...at, alsoCovers: [] });
      const hpa = ofKind(resources, 'HorizontalPodAutoscaler').find((h) => ((h.spec as JsonObject).scaleTargetRef as JsonObject).name === w.service.name);
      const fewest = Number(hpa ? ((hpa.spec as JsonObject).minReplicas ?? 1) : ((w.deployment.spec as JsonObject).replicas ?? 1));
      const allowed = spec.maxUnavailable !== undefined ? resolveCount(spec.maxUnavailable, fewest, 'up') : fewest - resolveCount(spec.minAvailable, fewest, 'up');
      expect({ ...at, disruptionsAllowedAtFewestReplicas: allowed >= 1 }).toEqual({ ...at, disruptionsAllowedAtFewestReplicas: true });
    }
  });

  it('sets CPU and memory requests and limits on every container, requests within limits', () => {
    for (const w of rendered().workloads) {
      const resourcesOf = (w.container.resources ?? {}) as JsonObject;
      for (const kind of ['cpu', 'memory']) {
        const request = (resourcesOf.requests as JsonObject | undefined)?.[kind];
        const limit = (resourcesOf.limits as JsonObject | undefined)?.[kind];
        const at = { service: w.service.name, resource: kind };
        expect({ ...at, request: request !== undefined, limit: limit !== undefined }).toEqual({ ...at, request: true, limit: true });
        expect({ ...at, requestWithinLimit: parseQuantity(request) <= parseQuantity(limit) }).toEqual({ ...at, requestWithinLimit: true });
      }
    }
  });

  if (name === 'production') {
    it('runs the production policies and a released image', () => {
      for (const w of rendered().workloads) {
        expect({ service: w.service.name, NODE_ENV: plainValue(w.env.get('NODE_ENV')) }).toEqual({ service: w.service.name, NODE_ENV: 'production' });
        expect({ service: w.service.name, image: w.container.image }).toEqual({ service: w.service.name, image: expect.stringMatching(/^[^/]+\/.+:[^:/]+$/) });
      }
    });
  }
});

const kubectl = spawnSync('kubectl', ['kustomize', '--help'], { encoding: 'utf8', timeout: 20_000 });
const haveKubectl = kubectl.status === 0;

// Where kubectl exists, the renderer must agree with it (generated names up to their hash).
(haveKubectl ? describe : describe.skip).each(Object.keys(RENDERS) as RenderName[])('the test renderer on %s', (name) => {
  it('renders what kubectl kustomize renders', () => {
    const output = spawnSync('kubectl', ['kustomize', RENDERS[name]], { encoding: 'utf8', timeout: 60_000 });
    expect(output.stderr).toBe('');
    let theirs = parseAllDocuments(output.stdout).map((d) => d.toJS() as Resource);
    const ours = renders[name].resources;
    const hashed = new Map<string, string>();
    for (const r of theirs) {
      const match = /^(.*)-[a-z0-9]{10}$/.exec(r.metadata.name);
      if (r.kind === 'ConfigMap' && match && find(ours, 'ConfigMap', match[1]!)) hashed.set(r.metadata.name, match[1]!);
    }
    theirs = JSON.parse(JSON.stringify(theirs), (_key, value: unknown) => (typeof value === 'string' && hashed.has(value) ? hashed.get(value) : value));
    const byId = (resources: Resource[]) => Object.fromEntries(resources.map((r) => [idOf(r), r]));
    expect(byId(ours)).toEqual(byId(theirs));
  });
});

function httpGet(probe: Json | undefined): { path: string; port: Json | undefined } {
  const get = isObject(probe) && isObject(probe.httpGet) ? probe.httpGet : undefined;
  if (!get) throw new Error('probe is not an httpGet probe');
  return { path: String(get.path), port: get.port };
}

function resolveCount(value: Json | undefined, total: number, round: 'up' | 'down'): number {
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(String(value));
  if (!percent) throw new Error(`not a count or percentage: ${String(value)}`);
  const exact = (total * Number(percent[1])) / 100;
  return round === 'up' ? Math.ceil(exact) : Math.floor(exact);
}

interface HealthServer {
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The HTTP server each kind of service runs, built the way its process builds it, with its
 * dependencies up or down: the GraphQL one (subgraphs, BFFs) with a readiness answer, the
 * registry's with a database that answers its ping or not. `module` is where the probes and
 * the scrape are answered (every service's: platform's service HTTP server), so the test can
 * tell that the service really runs it.
 */
const HEALTH_SERVERS: Record<ServerKind, { module: string; start: (ready: boolean) => HealthServer }> = {
  subgraph: { module: 'platform/src/http/service-http-server.ts', start: (ready) => kitServer(ready) },
  bff: { module: 'platform/src/http/service-http-server.ts', start: (ready) => kitServer(ready) },
  registry: {
    module: 'platform/src/http/service-http-server.ts',
    start: (ready) =>
      createRegistryServer({
        registry: {} as never,
        db: { ping: async () => (ready ? undefined : Promise.reject(new Error('database away'))) } as never,
        token: 'a-token-for-the-health-check',
      }),
  },
};

function kitServer(ready: boolean): HealthServer {
  return createGraphQLHttpServer({ handle: async () => ({} as never), isReady: async () => ready, maxBodyBytes: 1024 });
}

/** The status the server of a service of this `kind` answers `path` with. */
async function askHealth(kind: ServerKind, path: string, ready: boolean): Promise<number> {
  const server = HEALTH_SERVERS[kind].start(ready);
  const url = await server.listen(0, '127.0.0.1');
  try {
    const response = await fetch(`${url}${path}`);
    await response.arrayBuffer();
    return response.status;
  } finally {
    await server.close();
  }
}
