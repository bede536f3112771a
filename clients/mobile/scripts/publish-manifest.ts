import type { PersistedQueryManifest } from './bff-formats';

export interface Publication {
  /** The schema registry's base URL (REGISTRY_URL). */
  registryUrl: string;
  /** Its bearer token for writes (REGISTRY_TOKEN). */
  token: string;
  version: string;
  manifest: PersistedQueryManifest;
  publishedBy: string;
}

/** The registry refused or could not be reached; the message says which and why. */
export class PublishError extends Error {
  override name = 'PublishError';
}

/**
 * Publishes a release's manifest to the schema registry (schema/registry/server.ts:
 * `PUT /clients/mobile/manifests/<version>`), which checks it against the mobile API
 * schema before storing it; BFFs in registry mode safelist what it holds.
 */
export async function publishManifest({ registryUrl, token, version, manifest, publishedBy }: Publication): Promise<void> {
  const url = `${registryUrl.replace(/\/+$/, '')}/clients/mobile/manifests/${version}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ manifest, publishedBy }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new PublishError(`cannot reach the registry at ${url}: ${cause}`);
  }
  if (!response.ok) throw new PublishError(`the registry refused ${url}: ${describeRefusal(response.status, await response.text())}`);
}

/**
 * The registry's error, `{"error": {"code", "message", …details}}`: its status, code and
 * message, and the problems it lists (an INVALID_MANIFEST names each operation).
 */
function describeRefusal(status: number, body: string): string {
  let error: { code?: string; message?: string; problems?: unknown } | undefined;
  try {
    error = (JSON.parse(body) as { error?: typeof error }).error;
  } catch {
    // not the registry's JSON (a proxy's page, say): show the start of it
  }
  if (!error?.message) return `HTTP ${status}: ${body.slice(0, 300) || '(empty body)'}`;
  const problems = Array.isArray(error.problems) ? error.problems.map((p) => `\n    ${String(p)}`).join('') : '';
  return `HTTP ${status} ${error.code ?? ''}: ${error.message}${problems}`;
}
