import { request as httpRequest, type ClientRequest } from 'node:http';
import { GATEWAY_CREDENTIAL_HEADER, type DataChange, type DataChanges } from '@bff/platform';

/** How long to wait before following a subgraph's stream again after it broke. */
const RETRY_MS = 1_000;

/**
 * Data changes heard from each subgraph's own `GET /changes` stream (Server-Sent Events; see
 * subgraphs/kit/src/graphql/change-stream.ts): how a BFF without Redis learns that data changed
 * in a subgraph running in another process. A stream that breaks is followed again a second
 * later, and its subscribers are told of the gap (what they keep may be stale).
 */
export function subgraphChangeStreams(subgraphs: readonly { name: string; url: string }[], gatewaySecret: string, log: (line: string) => void = console.warn): DataChanges {
  const listeners = new Set<(change: DataChange) => void>();
  const gaps = new Set<() => void>();
  const requests = new Map<string, ClientRequest>();
  let started = false;
  let closed = false;
  const follow = (subgraph: { name: string; url: string }, afterGap: boolean) => {
    if (closed) return;
    const target = new URL('/changes', subgraph.url);
    let broke = false;
    const again = () => {
      if (broke || closed) return;
      broke = true;
      requests.delete(subgraph.name);
      for (const gap of gaps) gap();
      setTimeout(() => follow(subgraph, true), RETRY_MS).unref();
    };
    const outgoing = httpRequest(target, { headers: { [GATEWAY_CREDENTIAL_HEADER]: gatewaySecret, accept: 'text/event-stream' } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        // A subgraph that does not stream changes (an older one, another team's) is not asked again.
        if (response.statusCode === 404) return void log(`response cache: ${subgraph.name} streams no data changes; its data is kept for its max-age`);
        return again();
      }
      if (afterGap) for (const gap of gaps) gap();
      let pending = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        pending += chunk;
        let end: number;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const frame = pending.slice(0, end);
          pending = pending.slice(end + 2);
          if (!frame.startsWith('event: change\ndata: ')) continue;
          try {
            const change = JSON.parse(frame.slice('event: change\ndata: '.length)) as DataChange;
            if (Array.isArray(change.ids)) for (const listener of listeners) listener(change);
          } catch {
            // not a change
          }
        }
      });
      response.on('end', again);
      response.on('error', again);
    });
    outgoing.on('error', again);
    outgoing.end();
    requests.set(subgraph.name, outgoing);
  };
  return {
    publish: async () => {
      throw new Error('a BFF only hears data changes');
    },
    subscribe: (onChange, onGap) => {
      listeners.add(onChange);
      if (onGap) gaps.add(onGap);
      if (!started) {
        started = true;
        for (const subgraph of subgraphs) follow(subgraph, false);
      }
      return () => {
        listeners.delete(onChange);
        if (onGap) gaps.delete(onGap);
      };
    },
    close: async () => {
      closed = true;
      for (const outgoing of requests.values()) outgoing.destroy();
      requests.clear();
    },
  };
}
