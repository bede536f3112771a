import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { clientArtifacts, CLIENTS, composeClient, ROVER_CONFIG, type ClientSchemaSource } from '../clients';
import { loadSubgraphSources, type SubgraphSource } from '../compose';
import { readRoverConfig } from '../rover-config';
import { classifyChanges } from './change-check';
import { lint, readLintSettings, type RuleSetting } from './lint/lint';
import { checkOperations } from './operation-check';
import { registeredOperations, type RegisteredOperations } from './registered-operations';
import type { Baseline } from './baseline';
import type { CheckReport, ClientCheck, ClientTraffic, OperationFinding, Outcome, SchemaChange } from './types';

/** Where checks read real traffic: the registry's usage reports, per client. */
export interface TrafficSource {
  /** For the report, e.g. `registry http://127.0.0.1:4110 (last 7 days)`. */
  description: string;
  forClient(client: string): ClientTraffic | undefined;
}

export interface CheckOptions {
  /** Proposed SDLs replacing the current ones, by subgraph name (none: check the current rover.yaml). */
  proposed?: Readonly<Record<string, string>>;
  /** The clients to check. @default every client */
  clients?: readonly ClientSchemaSource[];
  /**
   * What the proposal is compared with: each client's API schema as deployed (a git commit
   * or the registry, `baseline.ts`). @default the checked-in `api-schema.graphql` files,
   * which only say what the working tree itself would publish.
   */
  baseline?: Baseline;
  /** The current subgraph SDLs the proposal applies to. @default rover.yaml's */
  domain?: readonly SubgraphSource[];
  /** A client's registered operations. @default from its policy and the files in `schema/` */
  registered?: (policy: ClientSchemaSource['policy']) => RegisteredOperations;
  /**
   * The operations clients really sent in a recent window. With it, a breaking change that
   * traffic used fails the check and one nobody used is a conditional warning; without it,
   * only the registered operations can fail a breaking change.
   */
  traffic?: TrafficSource;
  lintSettings?: Record<string, RuleSetting>;
}

const WORST: Outcome[] = ['passed', 'passed-with-warnings', 'failed'];
const worst = (outcomes: Outcome[]): Outcome => outcomes.reduce((a, b) => (WORST.indexOf(b) > WORST.indexOf(a) ? b : a), 'passed');

/**
 * What `rover subgraph check` does, for every client: build (composition + contract),
 * changes against the published API schema, every registered operation, lint.
 */
export function runChecks(options: CheckOptions = {}): CheckReport {
  const proposed = options.proposed ?? {};
  const current = options.domain ?? loadSubgraphSources(readRoverConfig(ROVER_CONFIG).subgraphs);
  const domain: SubgraphSource[] = current.map((source) =>
    proposed[source.name] !== undefined ? { ...source, sdl: proposed[source.name]! } : source,
  );
  for (const name of Object.keys(proposed)) {
    if (!domain.some((s) => s.name === name)) throw new Error(`No subgraph "${name}" in rover.yaml`);
  }
  const baseline: Baseline = options.baseline ?? {
    description: 'the checked-in schema/clients/<client>/api-schema.graphql',
    apiSchema: (client) => readFileSync(clientArtifacts(client).apiSchema, 'utf8'),
  };
  const settings = options.lintSettings ?? readLintSettings();
  const registered = options.registered ?? registeredOperations;
  const clients = (options.clients ?? CLIENTS).map((client) =>
    checkClient(client, domain, baseline.apiSchema(client.policy.name), settings, registered(client.policy), options.traffic?.forClient(client.policy.name)),
  );
  return {
    outcome: worst(clients.map((c) => c.outcome)),
    baseline: baseline.description,
    ...(options.traffic ? { traffic: options.traffic.description } : {}),
    proposal: Object.keys(proposed).length ? Object.keys(proposed).map((n) => `proposed ${n}`).join(', ') : 'current rover.yaml',
    clients,
  };
}

function checkClient(
  client: ClientSchemaSource,
  domain: SubgraphSource[],
  publishedSdl: string | undefined,
  settings: Record<string, RuleSetting>,
  registered: RegisteredOperations,
  traffic: ClientTraffic | undefined,
): ClientCheck {
  const name = client.policy.name;
  const composed = composeClient(client, domain);
  if (!composed.ok) {
    return {
      client: name,
      build: { ok: false, errors: composed.errors },
      changes: [],
      operations: { checked: 0, broken: [], skipped: [] },
      lint: [],
      outcome: 'failed',
      summary: [`build failed: ${composed.errors.length} composition error(s)`],
    };
  }
  const proposedApi = buildSchema(composed.apiSchemaSdl);
  // A client that the baseline does not have yet: everything in it is new, nothing can break.
  const publishedApi = publishedSdl === undefined ? proposedApi : buildSchema(publishedSdl);
  const broken = checkOperations(proposedApi, registered.operations);
  const changes = judgeByTraffic(classifyChanges(publishedApi, proposedApi), traffic, broken);
  const findings = lint({ proposed: proposedApi, published: publishedApi, supergraphSdl: composed.supergraphSdl }, settings);

  const summary: string[] = [];
  for (const op of broken) {
    const fields = [...new Set(op.errors.flatMap((e) => e.fields))];
    const versions = op.appVersions.length ? `app version(s) ${op.appVersions.join(', ')}` : op.source;
    summary.push(`operation ${op.name} (${versions}) breaks${fields.length ? ` on ${fields.join(', ')}` : ''}`);
  }
  const lintErrors = findings.filter((f) => f.severity === 'error');
  for (const finding of lintErrors) summary.push(`lint ${finding.rule}: ${finding.message}`);
  const breaking = changes.filter((c) => c.severity === 'breaking');
  const dangerous = changes.filter((c) => c.severity === 'dangerous');
  const usedByTraffic = breaking.filter((c) => c.traffic?.requests);
  for (const change of usedByTraffic) summary.push(`breaking change used in the last ${change.traffic!.windowDays} days: ${change.description} ${describeTraffic(change.traffic!)}`);
  const conditional = breaking.filter((c) => c.conditional);
  if (conditional.length) summary.push(`${conditional.length} conditional breaking change(s): no registered operation uses them and no traffic in the last ${traffic!.windowDays} days`);
  const unjudged = breaking.filter((c) => !c.traffic && !c.conditional);
  if (unjudged.length && !broken.length) summary.push(`${unjudged.length} breaking change(s), used by no registered operation${traffic ? '' : ' (no traffic read: set REGISTRY_URL to judge them by real traffic)'}`);
  if (dangerous.length) summary.push(`${dangerous.length} dangerous change(s)`);
  const warnings = findings.filter((f) => f.severity === 'warn');
  if (warnings.length) summary.push(`${warnings.length} lint warning(s)`);

  const outcome: Outcome = broken.length || lintErrors.length || usedByTraffic.length ? 'failed' : breaking.length || dangerous.length || warnings.length ? 'passed-with-warnings' : 'passed';
  return {
    client: name,
    build: { ok: true, errors: [] },
    changes,
    operations: { checked: registered.operations.length, broken, skipped: registered.skipped },
    lint: findings,
    outcome,
    summary,
  };
}

/**
 * Each breaking or dangerous change with the traffic of its coordinate in the window. A
 * breaking change that no operation in the window used, when no registered operation broke
 * either, is conditional: it breaks nobody who has been seen, the way GraphOS and Hive judge it.
 */
function judgeByTraffic(changes: SchemaChange[], traffic: ClientTraffic | undefined, broken: readonly OperationFinding[]): SchemaChange[] {
  if (!traffic) return changes;
  return changes.map((change) => {
    if (change.severity === 'safe') return change;
    if (!change.coordinate) return change;
    const users = traffic.operations.filter((op) => op.coordinates.includes(change.coordinate!));
    const operations = users.map(({ coordinates: _, ...op }) => op);
    const judged: SchemaChange = { ...change, traffic: { windowDays: traffic.windowDays, requests: operations.reduce((sum, op) => sum + op.requests, 0), operations } };
    const registeredUse = broken.some((op) => op.errors.some((e) => e.fields.includes(change.coordinate!)));
    if (change.severity === 'breaking' && users.length === 0 && !registeredUse) judged.conditional = true;
    return judged;
  });
}

/** `by 1,204 requests: FeedQuery (mobile-app 1.0.0, 1,000), …` */
export function describeTraffic(traffic: NonNullable<SchemaChange['traffic']>): string {
  const ops = traffic.operations.map((op) => `${op.operationName ?? op.operationId.slice(0, 12)} (${op.clientName}${op.clientVersion ? ` ${op.clientVersion}` : ''}, ${op.requests.toLocaleString('en')})`);
  return `by ${traffic.requests.toLocaleString('en')} request(s): ${ops.join(', ')}`;
}
