import { metricValue } from '@bff/platform';
import type { BenchOperation, WireRequest } from './operations';
import { replyProblems, send, type Reply } from './verify';

export interface CountingResult {
  /** HTTP requests to the domain subgraphs per request. */
  fetchesPerRequest: number;
  /** The same, per domain subgraph (only those that were sent any). */
  fetchesBySubgraph: Record<string, number>;
  /** HTTP requests to the anchors' experience subgraphs per request (a BFF runs its own in-process: 0). */
  experienceFetchesPerRequest: number;
  sqlPerRequest: number;
  /** The first reply (before counting), kept as the reference for the throughput pass. */
  reply: Reply;
  problems: string[];
}

/** What the subgraphs have served so far, read from their /metrics. */
export interface SubgraphCounts {
  /** Requests to the domain subgraphs, by name. */
  requests: Record<string, number>;
  /** Their SQL statements, summed. */
  sqlStatements: number;
  /** Requests to the experience subgraphs the bench serves for the anchors. */
  experienceRequests: number;
}

export interface SubgraphCounters {
  read(): Promise<SubgraphCounts>;
}

/**
 * Sums every subgraph's own counters: `graphql_operations_total` (a subgraph gets one
 * operation per HTTP request, so these are the fetches it was sent) and
 * `subgraph_sql_statements_per_request_sum`. Counting at the subgraphs needs no proxy in
 * front of them and no second instance of each target: the loaded instance is counted
 * while it is the only thing calling them. `experience`: the GraphQL URLs of the experience
 * subgraphs the anchors call (the same metric; they run no SQL).
 */
export function subgraphCounters(domain: Readonly<Record<string, string>>, experience: readonly string[] = []): SubgraphCounters {
  const metricsUrl = (url: string) => url.replace(/\/graphql$/, '/metrics');
  const scrape = async (url: string) => {
    const response = await fetch(metricsUrl(url));
    if (!response.ok) throw new Error(`${metricsUrl(url)}: HTTP ${response.status}`);
    return response.text();
  };
  return {
    read: async () => {
      const [domainTexts, experienceTexts] = await Promise.all([
        Promise.all(Object.entries(domain).map(async ([name, url]) => [name, await scrape(url)] as const)),
        Promise.all(experience.map(scrape)),
      ]);
      return {
        requests: Object.fromEntries(domainTexts.map(([name, text]) => [name, metricValue(text, 'graphql_operations_total')])),
        sqlStatements: domainTexts.reduce((sum, [, text]) => sum + metricValue(text, 'subgraph_sql_statements_per_request_sum'), 0),
        experienceRequests: experienceTexts.reduce((sum, text) => sum + metricValue(text, 'graphql_operations_total'), 0),
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
  const fetchesBySubgraph = Object.fromEntries(
    Object.entries(after.requests)
      .map(([name, total]) => [name, (total - (before.requests[name] ?? 0)) / requests] as const)
      .filter(([, perRequest]) => perRequest > 0),
  );
  return {
    fetchesPerRequest: Object.values(fetchesBySubgraph).reduce((sum, n) => sum + n, 0),
    fetchesBySubgraph,
    experienceFetchesPerRequest: (after.experienceRequests - before.experienceRequests) / requests,
    sqlPerRequest: (after.sqlStatements - before.sqlStatements) / requests,
    reply,
    problems,
  };
}
