import { totalCounts, type CountingProxy } from './counting-proxy';
import type { BenchOperation, WireRequest } from './operations';
import { replyProblems, send, type Reply } from './verify';

export interface CountingResult {
  fetchesPerRequest: number;
  sqlPerRequest: number;
  /** The first reply (before counting), kept as the reference for the throughput pass. */
  reply: Reply;
  problems: string[];
}

/**
 * A few requests, one at a time, through a target whose subgraphs sit behind counting
 * proxies: subgraph fetches and SQL statements per request. One request first, uncounted
 * (it warms the plan cache and is checked), then `requests` counted ones.
 */
export async function countPerRequest(origin: string, request: WireRequest, operation: BenchOperation, proxies: readonly CountingProxy[], requests: number): Promise<CountingResult> {
  const reply = await send(origin, request);
  const problems = replyProblems(reply, operation.transport === 'persisted-batch' ? operation.calls.length : 1);
  for (const proxy of proxies) proxy.reset();
  for (let i = 0; i < requests; i++) {
    const counted = await send(origin, request);
    if (counted.status !== 200) problems.push(`counted request ${i + 1}: HTTP ${counted.status}`);
  }
  const counts = totalCounts(proxies);
  if (counts.uncounted > 0) problems.push(`${counts.uncounted} subgraph answers had no x-sql-statements header`);
  return { fetchesPerRequest: counts.fetches / requests, sqlPerRequest: counts.sqlStatements / requests, reply, problems };
}

