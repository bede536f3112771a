import type { ClientSchemaSource } from '../clients';
import { BaselineError } from './baseline';
import type { TrafficSource } from './run-checks';
import type { ClientTraffic } from './types';

/**
 * The operations each client really sent over the last `days` days, as the registry at
 * `url` has them from the BFFs' usage reports (`GET /clients/<client>/usage`). A registry
 * that cannot answer stops the check (exit 2): judging breaking changes without the traffic
 * that was asked for would pass what it should fail.
 */
export async function registryTraffic(url: string, clients: readonly ClientSchemaSource[], days?: number): Promise<TrafficSource> {
  const base = url.replace(/\/+$/, '');
  const traffic = new Map<string, ClientTraffic>();
  let windowDays = days;
  for (const client of clients) {
    const name = client.policy.name;
    const query = days === undefined ? '' : `?days=${days}`;
    let response: Response;
    try {
      response = await fetch(`${base}/clients/${name}/usage${query}`, { signal: AbortSignal.timeout(15_000) });
    } catch (error) {
      throw new BaselineError(`the registry at ${base} cannot be reached for ${name}'s traffic: ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message}`);
    }
    if (!response.ok) throw new BaselineError(`the registry at ${base} answered ${response.status} for ${name}'s traffic: ${await response.text()}`);
    const body = (await response.json()) as ClientTraffic;
    windowDays = body.windowDays;
    traffic.set(name, { windowDays: body.windowDays, operations: body.operations });
  }
  return { description: `registry ${base} usage reports (last ${windowDays ?? '?'} days)`, forClient: (client) => traffic.get(client) };
}
