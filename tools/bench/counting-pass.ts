import { metricValue } from '@bff/platform';
import type { BenchOperation, WireRequest } from './operations';
import { replyProblems, send, type Reply } from './verify';

export interface CountingResult {
  fetchesPerRequest: number;
  sqlPerRequest: number;
  /** The first reply (before counting), kept as the reference for the throughput pass. */
  reply: Reply;
  problems: string[];
}

/** Requests and SQL statements the subgraphs have served so far, read from their /metrics. */
export interface SubgraphCounters {
  read(): Promise<{ requests: number; sqlStatements: number }>;
}

/**
 * Sums every subgraph's own counters: `graphql_operations_total` (a subgraph gets one
 * operation per HTTP request, so these are the fetches it was sent) and
 * `subgraph_sql_statements_per_request_sum`. Counting at the subgraphs needs no proxy in
 * front of them and no second instance of each target: the loaded instance is counted
 * while it is the only thing calling them.
 */
export function subgraphCounters(graphqlUrls: readonly string[]): SubgraphCounters {
  const metricsUrls = graphqlUrls.map((url) => url.replace(/\/graphql$/, '/metrics'));
  return {
    read: async () => {
      const texts = await Promise.all(
        metricsUrls.map(async (url) => {
          const response = await fetch(url);
          if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
          return response.text();
        }),
      );
      return {
        requests: texts.reduce((sum, text) => sum + metricValue(text, 'graphql_operations_total'), 0),
        sqlStatements: texts.reduce((sum, text) => sum + metricValue(text, 'subgraph_sql_statements_per_request_sum'), 0),
      };
    },
  };
}

/**
 * A few requests, one at a time, while nothing else calls the subgraphs: subgraph fetches
 * and SQL statements per request. One request first, uncounted (it warms the plan cache and
 * is checked), then `requests` counted ones.
 */
export async function countPerRequest(origin: string, request: WireRequest, operation: BenchOperation, counters: SubgraphCounters, requests: number): Promise<CountingResult> {
  const reply = await send(origin, request);
  const problems = replyProblems(reply, operation.transport === 'persisted-batch' ? operation.calls.length : 1);
  const before = await counters.read();
  for (let i = 0; i < requests; i++) {
    const counted = await send(origin, request);
    if (counted.status !== 200) problems.push(`counted request ${i + 1}: HTTP ${counted.status}`);
  }
  const after = await counters.read();
  return {
    fetchesPerRequest: (after.requests - before.requests) / requests,
    sqlPerRequest: (after.sqlStatements - before.sqlStatements) / requests,
    reply,
    problems,
  };
}
