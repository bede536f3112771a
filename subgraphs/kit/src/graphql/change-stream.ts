import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataChanges, Rejection } from '@bff/platform';

/** Where a subgraph streams the data changes it announces, for BFFs that share no Redis with it. */
export const CHANGES_PATH = '/changes';

/** A comment line now and then keeps proxies from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000;

export interface ChangeStream {
  route: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Ends every open stream (at shutdown: a stream would otherwise hold the drain). */
  close(): void;
}

/**
 * `GET /changes`, for gateways only (the gateway credential): the data changes this subgraph
 * announces from now on, as Server-Sent Events (`event: change`, the change as JSON). A BFF
 * without Redis follows each subgraph's stream so that its response cache follows the data
 * (`bffs/core/src/response-cache/subgraph-change-streams.ts`).
 */
export function changeStream(changes: DataChanges, admit: (req: IncomingMessage) => Rejection | undefined): ChangeStream {
  const open = new Set<ServerResponse>();
  return {
    route: async (req, res) => {
      const refused = admit(req);
      if (refused || req.method !== 'GET') {
        const status = refused ? refused.status : 405;
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ errors: [{ message: refused?.message ?? 'Use GET.', extensions: { code: refused?.code ?? 'BAD_REQUEST' } }] }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
      res.write(':\n\n');
      open.add(res);
      const stop = changes.subscribe((change) => res.write(`event: change\ndata: ${JSON.stringify(change)}\n\n`));
      const keepAlive = setInterval(() => res.write(':\n\n'), KEEP_ALIVE_MS);
      keepAlive.unref();
      await new Promise<void>((resolve) => res.once('close', resolve));
      clearInterval(keepAlive);
      stop();
      open.delete(res);
    },
    close: () => {
      for (const res of open) res.end();
    },
  };
}
