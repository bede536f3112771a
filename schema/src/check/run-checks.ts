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
import type { CheckReport, ClientCheck, Outcome } from './types';

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
    checkClient(client, domain, baseline.apiSchema(client.policy.name), settings, registered(client.policy)),
  );
  return {
    outcome: worst(clients.map((c) => c.outcome)),
    baseline: baseline.description,
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
  const changes = classifyChanges(publishedApi, proposedApi);
  const broken = checkOperations(proposedApi, registered.operations);
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
  if (breaking.length && !broken.length) summary.push(`${breaking.length} breaking change(s), used by no registered operation`);
  if (dangerous.length) summary.push(`${dangerous.length} dangerous change(s)`);
  const warnings = findings.filter((f) => f.severity === 'warn');
  if (warnings.length) summary.push(`${warnings.length} lint warning(s)`);

  const outcome: Outcome = broken.length || lintErrors.length ? 'failed' : breaking.length || dangerous.length || warnings.length ? 'passed-with-warnings' : 'passed';
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
