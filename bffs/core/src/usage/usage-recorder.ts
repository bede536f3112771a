import { operationCoordinates, USAGE_LABEL_MAX, type OperationUsage, type ReportedOperation, type UsageReport } from '@bff/formats';
import type { DocumentNode, GraphQLSchema } from 'graphql';

export interface UsageRecorderOptions {
  /** The BFF's client graph, and the client name of callers that send none. */
  client: string;
  /**
   * Distinct (operation, client name, client version) keys kept until a report takes them.
   * Callers choose the name and version headers, and the registry may be away for hours:
   * past this, new keys are counted as dropped, never kept. @default 5000
   */
  maxKeys?: number;
  /** Operations whose coordinates wait to be sent. @default 2000 */
  maxOperations?: number;
  /** Operations whose coordinates one report carries (the rest wait for the next), so a report stays well under the registry's body limit. @default 100 */
  operationsPerReport?: number;
}

/** One operation that ran, as the recorder needs it: computed coordinates come later, from these. */
export interface RecordedOperation {
  queryHash: string;
  name: string | null;
  document: DocumentNode;
  schema: GraphQLSchema;
}

interface PendingOperation {
  name: string | null;
  document: DocumentNode;
  schema: GraphQLSchema;
}

/** Counts of one key; `lastSeen` in epoch milliseconds until a report is taken (no Date formatting per request). */
interface Counts {
  operationId: string;
  clientName: string;
  clientVersion: string;
  requests: number;
  errors: number;
  lastSeen: number;
}

/** One key of the counts: an operation, from one client app, at one version. */
const keyOf = (operationId: string, clientName: string, clientVersion: string) => `${operationId}\u0000${clientName}\u0000${clientVersion}`;

/** A report taken from the recorder, and what to do once the registry answered. */
export interface TakenReport {
  report: UsageReport;
  /** The registry stored it: its operations need not be sent again. */
  accepted(): void;
  /** It did not: its counts go back into the recorder (as far as the bounds allow), to go with the next report. */
  failed(): void;
}

/**
 * Counts which operations a BFF ran, per client app and version, in memory and in bounded
 * space, until the reporter takes them. Recording is a map update on the request path;
 * an operation's coordinates are computed when a report is taken (once per operation and
 * process, off the request path), and sent until the registry has accepted them once.
 */
export class UsageRecorder {
  private readonly maxKeys: number;
  private readonly maxOperations: number;
  private readonly operationsPerReport: number;
  private usage = new Map<string, Counts>();
  /** Operations seen but whose coordinates the registry has not accepted yet. */
  private pending = new Map<string, PendingOperation>();
  /** Operations the registry has: by hash, kept as long as the process (bounded by maxOperations, then forgotten and resent). */
  private known = new Set<string>();
  private droppedKeys = 0;

  constructor(private readonly options: UsageRecorderOptions) {
    this.maxKeys = options.maxKeys ?? 5_000;
    this.maxOperations = options.maxOperations ?? 2_000;
    this.operationsPerReport = options.operationsPerReport ?? 100;
  }

  /** One operation ran (with errors in its reply or not). */
  record(operation: RecordedOperation, clientName: string | null, clientVersion: string | null, hadErrors: boolean): void {
    const name = (clientName ?? this.options.client).slice(0, USAGE_LABEL_MAX);
    const version = (clientVersion ?? '').slice(0, USAGE_LABEL_MAX);
    const key = keyOf(operation.queryHash, name, version);
    const now = Date.now();
    const entry = this.usage.get(key);
    if (entry) {
      entry.requests += 1;
      if (hadErrors) entry.errors += 1;
      entry.lastSeen = now;
    } else if (this.usage.size < this.maxKeys) {
      this.usage.set(key, { operationId: operation.queryHash, clientName: name, clientVersion: version, requests: 1, errors: hadErrors ? 1 : 0, lastSeen: now });
    } else {
      this.droppedKeys += 1;
      return;
    }
    if (!this.known.has(operation.queryHash) && !this.pending.has(operation.queryHash) && this.pending.size < this.maxOperations) {
      this.pending.set(operation.queryHash, { name: operation.name, document: operation.document, schema: operation.schema });
    }
  }

  /** Keys held now (for tests and metrics). */
  size(): { keys: number; pendingOperations: number } {
    return { keys: this.usage.size, pendingOperations: this.pending.size };
  }

  /** Takes everything recorded so far as one report; undefined when nothing ran. */
  take(): TakenReport | undefined {
    if (this.usage.size === 0 && this.droppedKeys === 0) return undefined;
    const usage: OperationUsage[] = [...this.usage.values()].map((counts) => ({ ...counts, lastSeen: new Date(counts.lastSeen).toISOString() }));
    const dropped = this.droppedKeys;
    this.usage = new Map();
    this.droppedKeys = 0;
    const operations: ReportedOperation[] = [];
    const sent = new Map<string, PendingOperation>();
    for (const [id, op] of this.pending) {
      if (sent.size === this.operationsPerReport) break;
      operations.push({ id, name: op.name, coordinates: operationCoordinates(op.schema, op.document) });
      sent.set(id, op);
    }
    for (const id of sent.keys()) this.pending.delete(id);
    return {
      report: { client: this.options.client, operations, usage, dropped },
      accepted: () => {
        if (this.known.size + sent.size > this.maxOperations) this.known.clear();
        for (const id of sent.keys()) this.known.add(id);
      },
      failed: () => {
        for (const entry of usage) this.restore(entry);
        this.droppedKeys += dropped;
        for (const [id, op] of sent) if (!this.pending.has(id) && this.pending.size < this.maxOperations) this.pending.set(id, op);
      },
    };
  }

  private restore(entry: OperationUsage): void {
    const key = keyOf(entry.operationId, entry.clientName, entry.clientVersion);
    const current = this.usage.get(key);
    const lastSeen = Date.parse(entry.lastSeen);
    if (current) {
      current.requests += entry.requests;
      current.errors += entry.errors;
      if (lastSeen > current.lastSeen) current.lastSeen = lastSeen;
    } else if (this.usage.size < this.maxKeys) {
      this.usage.set(key, { ...entry, lastSeen });
    } else {
      this.droppedKeys += 1;
    }
  }
}
