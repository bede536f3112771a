import type { HTTPGraphQLRequest } from '@apollo/server';
import { ErrorCode, rejection, type Rejection } from '@bff/platform';
import {
  getOperationAST,
  GraphQLError,
  LoneAnonymousOperationRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import type { CostModel } from '../limits/cost-model';
import { maxBatchSizeCheck } from '../limits/max-batch-size-check';
import { maxTokensCheck } from '../limits/max-tokens-check';
import { MaxAliasesRule } from '../limits/MaxAliasesRule';
import { costCheck } from '../limits/cost-limit';
import { MaxDepthRule } from '../limits/MaxDepthRule';
import { MaxDeferredFragmentsRule } from '../limits/MaxDeferredFragmentsRule';
import { MaxDirectivesRule } from '../limits/MaxDirectivesRule';
import { MaxRootFieldsRule } from '../limits/MaxRootFieldsRule';
import type { VerifiedUser } from '../auth/authenticator';
import { sha256Hex, type OperationLimits } from '@bff/formats';
import { MalformedRequestError, parseGraphQLRequest, type OperationRequest } from './graphql-request';
import { MAX_ERRORS_PER_REPLY } from '../limits/error-cap';
import { LruCache } from './lru-cache';
import { NoIntrospectionRule } from './NoIntrospectionRule';
import { operationToRun } from './operation-to-run';

/** The app release a client says it is (Apollo Client's client awareness sends it). */
export const CLIENT_VERSION_HEADER = 'apollographql-client-version';

export interface OperationGateOptions {
  limits: OperationLimits;
  /** The client's API schema (what its contract lets it see). */
  apiSchema: GraphQLSchema;
  costModel: CostModel;
  /**
   * Validation rules beyond GraphQL's own, for the client's policy (no introspection in
   * production). @default none
   */
  extraValidationRules?: readonly ValidationRule[];
  /**
   * Whether validation messages may suggest names of the schema ("Did you mean …?"): not
   * where the schema is not the client's to explore. @default true
   */
  suggestNames?: boolean;
  /** Resolves a persisted-query request into its query text, or refuses it. */
  resolvePersisted: (operation: OperationRequest, appVersion?: string) => Promise<PersistedResolution | Rejection>;
  /** Called for an APQ registration once its operation has passed every check. */
  register: (hash: string, query: string) => Promise<void>;
  /** Refuses operations selecting what the caller may not see (@authenticated, @requiresScopes). */
  authorize?: (document: DocumentNode, operation: OperationDefinitionNode, caller: VerifiedUser | null) => Rejection | undefined;
}

/** A persisted query resolved to the operation to run; `register` is the hash to store its text under (APQ). */
export interface PersistedResolution {
  operation: OperationRequest;
  register?: string;
}

/**
 * An operation the gate let through, with everything execution needs: its text, parsed and
 * validated once per text, its hash, and the operation definition it runs.
 */
export interface AdmittedOperation {
  request: OperationRequest;
  query: string;
  /** sha256 (hex) of `query`: the key of its query plan. */
  queryHash: string;
  document: DocumentNode;
  definition: OperationDefinitionNode;
  /** Its estimated cost with these variables (what a rate limit charges). */
  cost: number;
}

/**
 * An operation GraphQL itself refuses (a syntax or validation error): answered with its
 * errors and `status`, on its own, even inside a batch, as GraphQL-over-HTTP has it.
 */
export interface FailedOperation {
  failed: true;
  status: number;
  errors: readonly GraphQLError[];
  operationName?: string;
}

/** What the gate makes of a request: refused whole, or one outcome per operation. */
export type GateOutcome = Rejection | { batch: boolean; operations: (AdmittedOperation | FailedOperation)[] };

/**
 * What is known about one document text, computed once per text: its parse, the static
 * limits, its hash, and (lazily, once its limits have passed) its full validation.
 */
type Checked =
  | { kind: 'parsed'; document: DocumentNode; limitError?: GraphQLError; queryHash?: string; validationErrors?: readonly GraphQLError[] }
  | { kind: 'syntax-error'; error: GraphQLError }
  | { kind: 'too-many-tokens'; rejection: Rejection };

/**
 * Only documents up to this size are remembered: a client's real operations are small, and
 * an attacker sending endless distinct large documents must not fill memory with them.
 */
const MAX_CACHED_QUERY_LENGTH = 16 * 1024;

/**
 * The BFF's front gate: every request passes here, and what it admits goes straight to
 * execution. It enforces the client's batch, token, depth, alias, root-field and cost
 * limits, resolves persisted queries, picks the operation, and authorizes the caller. The
 * cheap, linear limit rules run first; the full GraphQL validation (and its quadratic
 * parts) runs only on documents already known to be small, once per text. Each refusal has
 * a stable code (a limit's with the measured value).
 */
export type OperationGate = (request: HTTPGraphQLRequest, caller: VerifiedUser | null) => Promise<GateOutcome>;

export function createOperationGate(options: OperationGateOptions): OperationGate {
  const { limits } = options;
  // LoneAnonymousOperation too: it is linear, and the gate must know which operation runs.
  const staticRules: ValidationRule[] = [
    MaxDepthRule(limits.maxDepth),
    MaxAliasesRule(limits.maxAliases),
    MaxRootFieldsRule(limits.maxRootFields),
    MaxDeferredFragmentsRule(limits.maxDeferredFragments),
    MaxDirectivesRule(limits.maxDirectives),
    LoneAnonymousOperationRule,
  ];
  const fullRules: ValidationRule[] = [...specifiedRules, ...(options.extraValidationRules ?? [])];
  const checked = new LruCache<string, Checked>(2_000);

  // Tokens are counted only for a text not seen before: a known operation costs one lookup.
  const check = (query: string): Checked => {
    const cached = checked.get(query);
    if (cached) return cached;
    const tooManyTokens = maxTokensCheck(query, limits.maxTokens);
    if (tooManyTokens) return { kind: 'too-many-tokens', rejection: tooManyTokens };
    let result: Checked;
    try {
      const document = parse(query, { maxTokens: limits.maxTokens });
      const [limitError] = validate(options.apiSchema, document, staticRules, { maxErrors: 1 });
      result = { kind: 'parsed', document, limitError };
    } catch (error) {
      const syntax = error instanceof GraphQLError ? error : new GraphQLError(String(error));
      result = {
        kind: 'syntax-error',
        error: new GraphQLError(syntax.message, { source: syntax.source, positions: syntax.positions, extensions: { code: ErrorCode.GRAPHQL_PARSE_FAILED } }),
      };
    }
    if (query.length <= MAX_CACHED_QUERY_LENGTH) checked.set(query, result);
    return result;
  };

  const validated = (entry: Extract<Checked, { kind: 'parsed' }>): readonly GraphQLError[] => {
    entry.validationErrors ??= validate(options.apiSchema, entry.document, fullRules, { maxErrors: MAX_ERRORS_PER_REPLY }).map((error) =>
      new GraphQLError(options.suggestNames === false ? error.message.replace(/ ?Did you mean(.+?)\?$/, '') : error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        extensions: { ...error.extensions, code: error.extensions.code ?? ErrorCode.GRAPHQL_VALIDATION_FAILED },
      }),
    );
    return entry.validationErrors;
  };

  const admit = async (operation: OperationRequest, method: string, caller: VerifiedUser | null, appVersion: string | undefined): Promise<AdmittedOperation | FailedOperation | Rejection> => {
    const persisted = await options.resolvePersisted(operation, appVersion);
    if ('rejected' in persisted) return { ...persisted, operationName: operation.operationName };
    const resolved = persisted.operation;
    const refused = (rejected: Rejection, document?: DocumentNode): Rejection => ({ ...rejected, operationName: resolved.operationName ?? (document && getOperationAST(document)?.name?.value) });
    const query = resolved.query;
    if (query === undefined || query === '') {
      return refused(rejection(400, ErrorCode.BAD_REQUEST, 'GraphQL operations must contain a non-empty `query` or a `persistedQuery` extension.'));
    }
    const entry = check(query);
    if (entry.kind === 'too-many-tokens') return refused(entry.rejection);
    if (entry.kind === 'syntax-error') return { failed: true, status: 400, errors: [entry.error], operationName: resolved.operationName };
    const { document } = entry;
    const { cost, error: costError } = entry.limitError
      ? { cost: 0 }
      : costCheck(options.apiSchema, document, { maxCost: limits.maxCost, defaultListSize: limits.defaultListSize, model: options.costModel, variables: resolved.variables });
    const error = entry.limitError ?? costError;
    if (error) {
      const { code, limit, measured } = error.extensions as { code: ErrorCode; limit?: number; measured?: number };
      return refused(rejection(400, code ?? ErrorCode.GRAPHQL_VALIDATION_FAILED, error.message, { details: { limit, measured } }), document);
    }
    const definition = operationToRun(document, resolved.operationName, method);
    if ('rejected' in definition) return refused(definition, document);
    const denied = options.authorize?.(document, definition, caller);
    if (denied) return refused(denied, document);
    const errors = validated(entry);
    if (errors.length > 0) return { failed: true, status: 400, errors, operationName: resolved.operationName ?? definition.name?.value };
    // Registered only now: an APQ hash never names a text that could not run.
    if (persisted.register) await options.register(persisted.register, query);
    entry.queryHash ??= sha256Hex(query);
    return { request: resolved, query, queryHash: entry.queryHash, document, definition, cost };
  };

  return async (request, caller) => {
    // The batch size first: a client that may not batch hears that, whatever the items are.
    if (request.method === 'POST' && Array.isArray(request.body)) {
      const tooMany = maxBatchSizeCheck(request.body.length, limits.maxBatchSize);
      if (tooMany) return tooMany;
    }
    let parsed;
    try {
      parsed = parseGraphQLRequest(request, { batching: limits.maxBatchSize > 1 });
    } catch (error) {
      if (error instanceof MalformedRequestError) return rejection(400, ErrorCode.BAD_REQUEST, error.message, { details: error.details });
      throw error;
    }
    const batch = parsed.kind === 'batch';
    const requested = parsed.kind === 'batch' ? parsed.operations : [parsed.operation];
    if (requested.length === 0) return rejection(400, ErrorCode.BAD_REQUEST, 'No operations found in the batch.');
    const operations: (AdmittedOperation | FailedOperation)[] = [];
    const appVersion = request.headers.get(CLIENT_VERSION_HEADER) ?? undefined;
    for (const [index, operation] of requested.entries()) {
      const outcome = await admit(operation, request.method, caller, appVersion);
      // One refused operation refuses the whole batch: a client must not get half a screen silently.
      if ('rejected' in outcome) return batch ? { ...outcome, details: { ...outcome.details, batchIndex: index } } : outcome;
      operations.push(outcome);
    }
    return { batch, operations };
  };
}
