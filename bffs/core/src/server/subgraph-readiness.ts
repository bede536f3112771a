import { GATEWAY_CREDENTIAL_HEADER } from '@subgraphs/kit';

/**
 * Readiness of a BFF: every HTTP subgraph of its supergraph has answered a trivial query
 * at least once. After that the BFF stays ready (a subgraph that fails later yields
 * partial results, not an unready BFF; fault handling is issue 5).
 */
export function subgraphReadiness(urls: readonly string[], gatewaySecret: string, timeoutMs = 2_000): () => Promise<boolean> {
  const answered = new Set<string>();
  return async () => {
    const pending = urls.filter((url) => !answered.has(url));
    await Promise.all(
      pending.map(async (url) => {
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', [GATEWAY_CREDENTIAL_HEADER]: gatewaySecret },
            body: JSON.stringify({ query: '{ __typename }' }),
            signal: AbortSignal.timeout(timeoutMs),
          });
          if (response.ok) answered.add(url);
          await response.body?.cancel();
        } catch {
          // Not up yet.
        }
      }),
    );
    return urls.every((url) => answered.has(url));
  };
}
