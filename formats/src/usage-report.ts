import { getNamedType, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';

/**
 * Operation usage, as a BFF reports it to the registry (`POST /usage`): which operations
 * ran, for which client app and version, how often and with how many errors, and the
 * schema coordinates each operation touches. The registry keeps it for its retention
 * window; checks and release retirement read it.
 *
 * A coordinate is a type (`Product`), a field (`Product.price`) or a field's argument
 * (`Query.products.first`): what graphql-js's breaking changes name, so a change can be
 * matched to the operations that would feel it.
 */
export interface UsageReport {
  /** The BFF's client graph (`web`, `mobile`). */
  client: string;
  /** Operations whose coordinates the registry may not have yet (each is sent until a report carrying it is accepted). */
  operations: ReportedOperation[];
  usage: OperationUsage[];
  /** Distinct (operation, app, version) keys the reporter could not keep while the registry was away. */
  dropped: number;
}

export interface ReportedOperation {
  /** sha256 (hex) of the operation's text: its persisted-query id. */
  id: string;
  name: string | null;
  coordinates: string[];
}

export interface OperationUsage {
  operationId: string;
  /** `apollographql-client-name` (the BFF's client name when the caller sends none). */
  clientName: string;
  /** `apollographql-client-version`; empty when the caller sends none. */
  clientVersion: string;
  requests: number;
  /** Requests whose reply carried errors. */
  errors: number;
  /** ISO 8601. */
  lastSeen: string;
}

/** The token usage reports carry in development, where `REGISTRY_USAGE_TOKEN` is not set (production requires it on both sides). */
export const DEVELOPMENT_USAGE_TOKEN = 'dev-usage-token-not-for-production';

/** Longest client name or version kept; longer ones are cut (callers choose these headers). */
export const USAGE_LABEL_MAX = 64;

const HASH = /^[0-9a-f]{64}$/;

export class UsageReportError extends Error {
  override name = 'UsageReportError';
}

/** Checks a report's shape (the registry's input); throws `UsageReportError` naming the first problem. */
export function parseUsageReport(value: unknown): UsageReport {
  const fail = (message: string): never => {
    throw new UsageReportError(message);
  };
  const report = value as Partial<UsageReport> | undefined;
  if (!report || typeof report !== 'object') fail('a usage report is a JSON object');
  if (typeof report!.client !== 'string' || !report!.client) fail('"client" must be a non-empty string');
  if (!Array.isArray(report!.operations)) fail('"operations" must be an array');
  if (!Array.isArray(report!.usage)) fail('"usage" must be an array');
  const dropped = report!.dropped ?? 0;
  if (!Number.isInteger(dropped) || dropped < 0) fail('"dropped" must be a non-negative integer');
  for (const [i, op] of report!.operations!.entries()) {
    if (typeof op?.id !== 'string' || !HASH.test(op.id)) fail(`operations[${i}].id must be a sha256 hex digest`);
    if (op.name !== null && typeof op.name !== 'string') fail(`operations[${i}].name must be a string or null`);
    if (!Array.isArray(op.coordinates) || !op.coordinates.every((c) => typeof c === 'string')) fail(`operations[${i}].coordinates must be an array of strings`);
  }
  for (const [i, entry] of report!.usage!.entries()) {
    if (typeof entry?.operationId !== 'string' || !HASH.test(entry.operationId)) fail(`usage[${i}].operationId must be a sha256 hex digest`);
    if (typeof entry.clientName !== 'string' || entry.clientName.length > USAGE_LABEL_MAX) fail(`usage[${i}].clientName must be a string of at most ${USAGE_LABEL_MAX} characters`);
    if (typeof entry.clientVersion !== 'string' || entry.clientVersion.length > USAGE_LABEL_MAX) fail(`usage[${i}].clientVersion must be a string of at most ${USAGE_LABEL_MAX} characters`);
    if (!Number.isInteger(entry.requests) || entry.requests < 1) fail(`usage[${i}].requests must be a positive integer`);
    if (!Number.isInteger(entry.errors) || entry.errors < 0 || entry.errors > entry.requests) fail(`usage[${i}].errors must be an integer from 0 to requests`);
    if (typeof entry.lastSeen !== 'string' || Number.isNaN(Date.parse(entry.lastSeen))) fail(`usage[${i}].lastSeen must be an ISO 8601 time`);
  }
  return { client: report!.client!, operations: report!.operations!, usage: report!.usage!, dropped };
}

/**
 * The schema coordinates an operation touches: each field it selects and its parent type,
 * each argument it passes, the named type of every field, argument and variable, and every
 * fragment's type condition. Introspection (`__typename`, `__schema`) is left out.
 */
export function operationCoordinates(schema: GraphQLSchema, document: DocumentNode): string[] {
  const found = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  const addType = (type: Parameters<typeof getNamedType>[0] | null | undefined) => {
    const named = type ? getNamedType(type) : undefined;
    if (named && !named.name.startsWith('__')) found.add(named.name);
  };
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field || field.name.startsWith('__')) return;
        found.add(parent.name);
        found.add(`${parent.name}.${field.name}`);
        addType(field.type);
      },
      Argument() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        const argument = typeInfo.getArgument();
        if (!parent || !field || !argument) return;
        found.add(`${parent.name}.${field.name}.${argument.name}`);
        addType(argument.type);
      },
      ObjectField(node) {
        // A field of an input object written in the operation (inputs passed as variables are covered by the type).
        const parent = typeInfo.getParentInputType();
        const named = parent ? getNamedType(parent) : undefined;
        if (named) found.add(`${named.name}.${node.name.value}`);
        addType(typeInfo.getInputType());
      },
      VariableDefinition() {
        addType(typeInfo.getInputType());
      },
      InlineFragment() {
        addType(typeInfo.getType());
      },
      FragmentDefinition() {
        addType(typeInfo.getType());
      },
    }),
  );
  return [...found].sort();
}
