import type { CompositionProblem } from '../compose';

export type ChangeSeverity = 'breaking' | 'dangerous' | 'safe';

export interface SchemaChange {
  severity: ChangeSeverity;
  /** graphql-js change type (FIELD_REMOVED, …) or ours for additions (FIELD_ADDED, …). */
  code: string;
  description: string;
  /** Why it has this severity, for a reader who does not know the codes. */
  reason: string;
  /** The coordinate whose users feel a breaking or dangerous change (`Type.field`…), when it has one. */
  coordinate?: string;
  /** Who used that coordinate in the traffic window (only when the check had traffic to read). */
  traffic?: CoordinateTraffic;
  /** A breaking change nothing uses: no registered operation, no traffic in the window. A warning, not an error. */
  conditional?: boolean;
}

/** One operation's traffic from one client app version in the window, as the registry stored it. */
export interface OperationTraffic {
  operationId: string;
  operationName: string | null;
  clientName: string;
  clientVersion: string;
  requests: number;
  errors: number;
  /** ISO 8601. */
  lastSeen: string;
  /** The coordinates the operation touches (empty if the registry never got them). */
  coordinates: string[];
}

/** A client's traffic over the last `windowDays` days: what the checks judge breaking changes by. */
export interface ClientTraffic {
  windowDays: number;
  operations: OperationTraffic[];
}

/** A coordinate's traffic in the window: the requests, and each operation and app version that made them. */
export interface CoordinateTraffic {
  windowDays: number;
  requests: number;
  operations: Omit<OperationTraffic, 'coordinates'>[];
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
  /** Where the traffic that judged breaking changes came from, e.g. `registry http://… (last 7 days)`; absent: none was read. */
  traffic?: string;
  clients: ClientCheck[];
}
