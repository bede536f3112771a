import { CombinedGraphQLErrors, ServerError, ServerParseError } from '@apollo/client/errors';

/**
 * The BFF's stable error codes (`extensions.code`) this app acts on. The app branches on
 * codes only, never on messages, which may change wording at any time.
 */
export const ErrorCode = {
  /** No valid token: sign in (again). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** This app version is no longer served. */
  UPGRADE_REQUIRED: 'UPGRADE_REQUIRED',
  /** The BFF does not know this build's operation: its version has been retired. */
  PERSISTED_QUERY_NOT_IN_LIST: 'PERSISTED_QUERY_NOT_IN_LIST',
  /** A field's subgraph is down: that field is null, the rest of the answer stands. */
  SUBGRAPH_UNAVAILABLE: 'SUBGRAPH_UNAVAILABLE',
  /** An order line asks for more units than are available; nothing was ordered. */
  OUT_OF_STOCK: 'OUT_OF_STOCK',
} as const;

/**
 * Every `extensions.code` in an error: the errors of a GraphQL answer, or, for a refused
 * request (4xx/5xx, which Apollo reports as a ServerError), the errors in its body, which
 * for a refused batch is one answer for the whole batch.
 */
export function errorCodes(error: unknown): string[] {
  if (CombinedGraphQLErrors.is(error)) return codesOf(error.errors);
  if (ServerError.is(error)) return codesInBody(error.bodyText);
  return [];
}

export function hasErrorCode(error: unknown, code: string): boolean {
  return errorCodes(error).includes(code);
}

/** Only a newer build helps: the BFF no longer serves this one's operations. */
export function requiresAppUpdate(error: unknown): boolean {
  const codes = errorCodes(error);
  return codes.includes(ErrorCode.UPGRADE_REQUIRED) || codes.includes(ErrorCode.PERSISTED_QUERY_NOT_IN_LIST);
}

/**
 * No usable answer came back: the request could not be sent or its reply not read (fetch
 * rejects with a TypeError), or the server failed (5xx). Trying again may work; a 4xx
 * refusal or a GraphQL error would only repeat.
 */
export function isConnectionFailure(error: unknown): boolean {
  if (ServerError.is(error)) return error.statusCode >= 500;
  return error instanceof TypeError || ServerParseError.is(error);
}

function codesOf(errors: readonly { extensions?: Record<string, unknown> | undefined }[] | undefined): string[] {
  return (errors ?? []).flatMap((e) => (typeof e.extensions?.code === 'string' ? [e.extensions.code] : []));
}

function codesInBody(bodyText: string): string[] {
  try {
    const body: unknown = JSON.parse(bodyText);
    const answers = Array.isArray(body) ? body : [body];
    return answers.flatMap((answer) => codesOf((answer as { errors?: [] } | null)?.errors));
  } catch {
    return []; // not JSON: a proxy's error page, say
  }
}
