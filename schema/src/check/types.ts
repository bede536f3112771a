import type { CompositionProblem } from '../compose';

export type ChangeSeverity = 'breaking' | 'dangerous' | 'safe';

export interface SchemaChange {
  severity: ChangeSeverity;
  /** graphql-js change type (FIELD_REMOVED, …) or ours for additions (FIELD_ADDED, …). */
  code: string;
  description: string;
  /** Why it has this severity, for a reader who does not know the codes. */
  reason: string;
}

export interface OperationFinding {
  name: string;
  /** `web operations`, `app 1.0.0`, `unreleased app operations`… */
  source: string;
  appVersions: string[];
  /** Validation errors against the proposed API schema, with the fields they name. */
  errors: { message: string; fields: string[] }[];
}

export interface LintFinding {
  rule: string;
  severity: 'error' | 'warn';
  coordinate: string;
  message: string;
}

export type Outcome = 'passed' | 'passed-with-warnings' | 'failed';

export interface ClientCheck {
  client: string;
  build: { ok: boolean; errors: CompositionProblem[] };
  changes: SchemaChange[];
  operations: { checked: number; broken: OperationFinding[]; skipped: { source: string; reason: string }[] };
  lint: LintFinding[];
  outcome: Outcome;
  /** One line per reason the outcome is not a clean pass. */
  summary: string[];
}

export interface CheckReport {
  outcome: Outcome;
  /** What was proposed, e.g. `catalog: proposed.graphql` or `current rover.yaml`. */
  proposal: string;
  /** What it was compared with, e.g. `git main (3f2a9c1e07b4)` or `registry http://…`. */
  baseline: string;
  clients: ClientCheck[];
}
