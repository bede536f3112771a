import { GraphQLError } from 'graphql';

/**
 * Every error a subgraph raises on purpose carries one of these codes in
 * `extensions.code`. Clients and the BFFs branch on the code, never on the message,
 * so a code, once shipped, never changes meaning.
 */
export enum ErrorCode {
  /** An argument or input value is invalid; `extensions.field` names it. */
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  /** The operation needs a signed-in user and the request carries none. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** The user is known but may not read or change this object. */
  FORBIDDEN = 'FORBIDDEN',
  /** The object does not exist (or the caller may not know that it exists). */
  NOT_FOUND = 'NOT_FOUND',
  /** The object exists but is in a state that does not allow the change. */
  CONFLICT = 'CONFLICT',
  /**
   * An order line asks for more units than are available; `extensions.field` names the
   * line's quantity (e.g. `input.lines[0].quantity`). Nothing was ordered or reserved.
   */
  OUT_OF_STOCK = 'OUT_OF_STOCK',
  /**
   * A service the operation must call (orders reserving stock in inventory) could not be
   * reached or failed. Nothing was changed; retrying (with the same idempotency key) is safe.
   * Raised by a subgraph about its own call, so it means the whole mutation did not happen,
   * not that some fields of a response are missing.
   */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  /** A subgraph was called without the gateways' shared credential. */
  GATEWAY_CREDENTIAL_INVALID = 'GATEWAY_CREDENTIAL_INVALID',
  /** The HTTP request itself is malformed (bad JSON, wrong content type, too large). */
  BAD_REQUEST = 'BAD_REQUEST',
  /** Anything unexpected; the message is masked and the details are logged. */
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',

  // Per-client operation limits (the BFFs). Each message names the limit and the measured value.
  /** The request body is larger than the client's limit. */
  BODY_LIMIT_EXCEEDED = 'BODY_LIMIT_EXCEEDED',
  /** More operations in one HTTP batch than the client may send. */
  BATCH_LIMIT_EXCEEDED = 'BATCH_LIMIT_EXCEEDED',
  /** The document has more lexical tokens than allowed; it was not parsed. */
  TOKEN_LIMIT_EXCEEDED = 'TOKEN_LIMIT_EXCEEDED',
  /** Selections nest deeper than allowed. */
  DEPTH_LIMIT_EXCEEDED = 'DEPTH_LIMIT_EXCEEDED',
  /** More aliases than allowed. */
  ALIAS_LIMIT_EXCEEDED = 'ALIAS_LIMIT_EXCEEDED',
  /** More root fields in one operation than allowed. */
  ROOT_FIELD_LIMIT_EXCEEDED = 'ROOT_FIELD_LIMIT_EXCEEDED',
  /** The operation uses @defer and this client's policy does not allow it (limits.maxDeferredFragments is 0). */
  DEFER_NOT_ALLOWED = 'DEFER_NOT_ALLOWED',
  /** More deferred fragments (@defer) in one operation than allowed. */
  DEFER_LIMIT_EXCEEDED = 'DEFER_LIMIT_EXCEEDED',
  /** This BFF has too many fetches in flight to a subgraph (its bulkhead is full): 503 with Retry-After. */
  OVERLOADED = 'OVERLOADED',
  /** The caller, or its app version, has spent its cost budget for now: 429 with Retry-After. */
  RATE_LIMITED = 'RATE_LIMITED',
  /** More directives in one document than the client's policy allows. */
  DIRECTIVE_LIMIT_EXCEEDED = 'DIRECTIVE_LIMIT_EXCEEDED',
  /** The last error of a reply whose errors were more than a reply carries: says how many were left out. */
  ERRORS_TRUNCATED = 'ERRORS_TRUNCATED',
  /** The operation is a subscription and this client's policy has none (limits.maxSubscriptionsPerConnection is 0). */
  SUBSCRIPTIONS_NOT_ALLOWED = 'SUBSCRIPTIONS_NOT_ALLOWED',
  /** More subscriptions open at once, on this connection or for this user, than the client's policy allows. */
  SUBSCRIPTION_LIMIT_EXCEEDED = 'SUBSCRIPTION_LIMIT_EXCEEDED',
  /**
   * A subscription sent over plain HTTP (or in a batch): it is served over GraphQL over SSE
   * (`Accept: text/event-stream`) or GraphQL over WebSocket (`graphql-transport-ws`).
   */
  STREAMING_TRANSPORT_REQUIRED = 'STREAMING_TRANSPORT_REQUIRED',
  /** The operation's estimated cost (@cost, @listSize, first/last) is above the client's budget. */
  COST_LIMIT_EXCEEDED = 'COST_LIMIT_EXCEEDED',
  /** The document does not parse. */
  GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED',
  /** The document does not validate against the client's API schema. */
  GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED',
  /** The document has no operation of the requested `operationName` (or several and none named). */
  OPERATION_RESOLUTION_FAILURE = 'OPERATION_RESOLUTION_FAILURE',

  // Fault tolerance (the BFFs).
  /**
   * A subgraph did not answer in time, could not be reached, failed, or its circuit is open:
   * the fields it serves are null at the error's path; the rest of the response is intact.
   */
  SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE',

  // Persisted queries (the BFFs).
  /** Automatic persisted query: the hash is not registered yet; send the query with it. */
  PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND',
  /** Safelisted client: the hash is in no manifest of a supported app version. */
  PERSISTED_QUERY_NOT_IN_LIST = 'PERSISTED_QUERY_NOT_IN_LIST',
  /** The sha256 of the query text is not the hash sent with it. */
  PERSISTED_QUERY_HASH_MISMATCH = 'PERSISTED_QUERY_HASH_MISMATCH',
  /** This client may only send persisted queries (by hash), not query text. */
  PERSISTED_QUERY_REQUIRED = 'PERSISTED_QUERY_REQUIRED',
  /** The app release is past its support window: `extensions.minimumVersion` is what to update to. */
  UPGRADE_REQUIRED = 'UPGRADE_REQUIRED',
}

export function badUserInput(field: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, field } });
}

export function unauthenticated(message = 'You must be signed in to do this.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.NOT_FOUND } });
}

export function conflict(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.CONFLICT } });
}

export function outOfStock(field: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.OUT_OF_STOCK, field } });
}

export function serviceUnavailable(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } });
}
