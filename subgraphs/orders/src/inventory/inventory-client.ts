import { endSpan, GATEWAY_CREDENTIAL_HEADER, SpanKind, type RequestTelemetry } from '@bff/platform';

export type ReservationStatus = 'RESERVED' | 'RELEASED' | 'INSUFFICIENT_STOCK' | 'LINES_MISMATCH' | 'NOT_FOUND';

/** A line inventory could not hold; `line` is its index in the lines sent. */
export interface StockShortage {
  line: number;
  productId: string;
  requested: number;
  available: number;
}

export interface ReservationResult {
  status: ReservationStatus;
  shortages: StockShortage[];
}

/** Inventory's internal reservation API (`reserveStock` / `releaseStock`, @inaccessible in the supergraph). */
export interface InventoryClient {
  reserve(reservationId: string, lines: readonly { productId: string; quantity: number }[]): Promise<ReservationResult>;
  release(reservationId: string): Promise<ReservationResult>;
  /** The same client, its calls part of `request`: its id and trace go to inventory. */
  forRequest(request: RequestTelemetry): InventoryClient;
}

/**
 * Inventory gave no answer: unreachable, too slow, or failed itself (HTTP 5xx, an internal
 * error). The call may or may not have happened there; both calls are idempotent, so the
 * caller may retry it. Anything else (a refused credential, an invalid request) is a bug or a
 * misconfiguration and surfaces as an ordinary Error.
 */
export class InventoryUnavailableError extends Error {
  override name = 'InventoryUnavailableError';
}

export interface InventoryClientOptions {
  /** Inventory's GraphQL endpoint. */
  url: string;
  /** The gateways' shared secret: inventory answers no one else. */
  gatewaySecret: string;
  /** Longest wait for one call. */
  timeoutMs: number;
}

const RESERVE = /* GraphQL */ `
  mutation ReserveStock($reservationId: ID!, $lines: [StockReservationLineInput!]!) {
    reserveStock(reservationId: $reservationId, lines: $lines) { status shortages { line productId requested available } }
  }`;

const RELEASE = /* GraphQL */ `
  mutation ReleaseStock($reservationId: ID!) {
    releaseStock(reservationId: $reservationId) { status shortages { line productId requested available } }
  }`;

interface GraphQLResponse {
  data?: Record<string, ReservationResult | null> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Calls inventory's subgraph over HTTP (kept-alive connections through Node's fetch). */
export function createInventoryClient(options: InventoryClientOptions, request?: RequestTelemetry): InventoryClient {
  const call = async (field: 'reserveStock' | 'releaseStock', query: string, variables: Record<string, unknown>): Promise<ReservationResult> => {
    const span = request?.span && request.tracing?.startChildSpan(`call inventory ${field}`, request.span, { 'server.address': options.url }, SpanKind.CLIENT);
    try {
      const result = await callOnce(field, query, variables, span ? request!.outgoingHeaders(span) : (request?.outgoingHeaders() ?? {}));
      endSpan(span);
      return result;
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
  };
  const callOnce = async (field: 'reserveStock' | 'releaseStock', query: string, variables: Record<string, unknown>, requestHeaders: Record<string, string>): Promise<ReservationResult> => {
    let response: Response;
    let body: GraphQLResponse;
    try {
      response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [GATEWAY_CREDENTIAL_HEADER]: options.gatewaySecret, ...requestHeaders },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (response.status >= 500) throw new InventoryUnavailableError(`inventory answered ${field} with HTTP ${response.status}`);
      body = (await response.json()) as GraphQLResponse;
    } catch (error) {
      if (error instanceof InventoryUnavailableError) throw error;
      const reason = (error as Error).name === 'TimeoutError' ? `did not answer within ${options.timeoutMs} ms` : `could not be reached (${describe(error)})`;
      throw new InventoryUnavailableError(`inventory at ${options.url} ${reason}`);
    }
    const result = body.data?.[field];
    if (result && !body.errors?.length) return result;
    if (body.errors?.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')) {
      throw new InventoryUnavailableError(`inventory failed ${field}: ${body.errors.map((e) => e.message).join('; ')}`);
    }
    throw new Error(`inventory refused ${field} (HTTP ${response.status}): ${JSON.stringify(body.errors ?? body)}`);
  };
  return {
    reserve: (reservationId, lines) =>
      call('reserveStock', RESERVE, { reservationId, lines: lines.map(({ productId, quantity }) => ({ productId, quantity })) }),
    release: (reservationId) => call('releaseStock', RELEASE, { reservationId }),
    forRequest: (telemetry) => createInventoryClient(options, telemetry),
  };
}

/** Node's fetch hides the socket error (ECONNREFUSED, …) in `cause`. */
function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
