import type { HTTPGraphQLRequest } from '@apollo/server';
import { ErrorCode, rejection, type Rejection } from '@bff/platform';
import {
  getOperationAST,
  GraphQLError,
  LoneAnonymousOperationRule,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { CostModel } from '../limits/cost-model';
import { maxBatchSizeCheck } from '../limits/max-batch-size-check';
import { maxTokensCheck } from '../limits/max-tokens-check';
import { MaxAliasesRule } from '../limits/MaxAliasesRule';
import { MaxCostRule } from '../limits/MaxCostRule';
import { MaxDepthRule } from '../limits/MaxDepthRule';
import { MaxRootFieldsRule } from '../limits/MaxRootFieldsRule';
import type { VerifiedUser } from '../auth/authenticator';
import type { OperationLimits } from '@bff/formats';
import { MalformedRequestError, parseGraphQLRequest, rebuildRequest, type OperationRequest } from './graphql-request';
import { LruCache } from './lru-cache';
import { operationToRun } from './operation-to-run';

export interface OperationGateOptions {
  limits: OperationLimits;
  /** The client's API schema (what its contract lets it see). */
  apiSchema: GraphQLSchema;
  costModel: CostModel;
  /**
   * Turns a persisted-query request into one with query text (or refuses it). Absent: the
   * client sends query text, and a `persistedQuery` extension is left to Apollo.
   */
  resolvePersisted?: (operation: OperationRequest) => Promise<OperationRequest | Rejection>;
  /** Called once an operation with query text has passed every limit (APQ registers here). */
  admitted?: (operation: OperationRequest) => Promise<void>;
  /** Refuses operations selecting what the caller may not see (@authenticated, @requiresScopes). */
  authorize?: (document: DocumentNode, operationName: string | undefined, caller: VerifiedUser | null) => Rejection | undefined;
}

/** What limits say about one document, independent of variables: computed once per text. */
type Checked = { document: DocumentNode; error?: GraphQLError } | { document?: undefined; tooManyTokens?: Rejection };

/**
 * Only documents up to this size are remembered: a client's real operations are small, and
 * an attacker sending endless distinct large documents must not fill memory with them.
 */
const MAX_CACHED_QUERY_LENGTH = 16 * 1024;

/**
 * The BFF's front gate: every request passes here before Apollo sees it. It enforces the
 * client's batch, token, depth, alias, root-field and cost limits, and resolves persisted
 * queries. It runs only the cheap, linear limit rules; the full GraphQL validation (and its
 * quadratic parts) runs afterwards in Apollo, on documents that are already known to be
 * small. Each rejection is a 400 with a stable code and the measured value.
 */
export type OperationGate = (request: HTTPGraphQLRequest, caller: VerifiedUser | null) => Promise<HTTPGraphQLRequest | Rejection>;

export function createOperationGate(options: OperationGateOptions): OperationGate {
  const { limits } = options;
  // LoneAnonymousOperation too: it is linear, and the gate must know which operation runs.
  const staticRules: ValidationRule[] = [
    MaxDepthRule(limits.maxDepth),
    MaxAliasesRule(limits.maxAliases),
    MaxRootFieldsRule(limits.maxRootFields),
    LoneAnonymousOperationRule,
  ];
  const checked = new LruCache<string, Checked>(2_000);

  // Tokens are counted only for a text not seen before: a known operation costs one lookup.
  const check = (query: string): Checked => {
    const cached = checked.get(query);
    if (cached) return cached;
    const tooManyTokens = maxTokensCheck(query, limits.maxTokens);
    if (tooManyTokens) return { tooManyTokens };
    let result: Checked;
    try {
      const document = parse(query, { maxTokens: limits.maxTokens });
      const [error] = validate(options.apiSchema, document, staticRules, { maxErrors: 1 });
      result = { document, error };
    } catch {
      result = {}; // a syntax error: Apollo reports it with its own GRAPHQL_PARSE_FAILED
    }
    if (query.length <= MAX_CACHED_QUERY_LENGTH) checked.set(query, result);
    return result;
  };

  const admit = async (operation: OperationRequest, method: string, caller: VerifiedUser | null): Promise<OperationRequest | Rejection> => {
    let resolved = operation;
    if (options.resolvePersisted) {
      const outcome = await options.resolvePersisted(operation);
      if ('rejected' in outcome) return { ...outcome, operationName: operation.operationName };
      resolved = outcome;
    }
    const refused = (rejected: Rejection, document?: DocumentNode): Rejection => ({ ...rejected, operationName: resolved.operationName ?? (document && getOperationAST(document)?.name?.value) });
    const query = resolved.query;
    if (query === undefined) return resolved; // Apollo answers "must contain a query"
    const result = check(query);
    if (!result.document) return result.tooManyTokens ? refused(result.tooManyTokens) : resolved;
    const error =
      result.error ??
      validate(
        options.apiSchema,
        result.document,
        [MaxCostRule({ maxCost: limits.maxCost, defaultListSize: limits.defaultListSize, model: options.costModel, variables: resolved.variables })],
        { maxErrors: 1 },
      )[0];
    if (error) {
      const { code, limit, measured } = error.extensions as { code: ErrorCode; limit?: number; measured?: number };
      return refused(rejection(400, code ?? ErrorCode.GRAPHQL_VALIDATION_FAILED, error.message, { details: { limit, measured } }), result.document);
    }
    const selected = operationToRun(result.document, resolved.operationName, method);
    if ('rejected' in selected) return refused(selected, result.document);
    const denied = options.authorize?.(result.document, resolved.operationName, caller);
    if (denied) return refused(denied, result.document);
    await options.admitted?.(resolved);
    return resolved;
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
    if (parsed.kind === 'passthrough') return request;
    if (parsed.kind === 'batch') {
      const operations: OperationRequest[] = [];
      for (const [index, operation] of parsed.operations.entries()) {
        const outcome = await admit(operation, request.method, caller);
        // One bad operation refuses the whole batch: a client must not get half a screen silently.
        if ('rejected' in outcome) return { ...outcome, details: { ...outcome.details, batchIndex: index } };
        operations.push(outcome);
      }
      return rebuildRequest(request, { kind: 'batch', operations });
    }
    const outcome = await admit(parsed.operation, request.method, caller);
    if ('rejected' in outcome) return outcome;
    return outcome === parsed.operation ? request : rebuildRequest(request, { kind: 'single', operation: outcome });
  };
}

