import type { PersistedQueryManifest } from '@bff/formats';
import type { BffServer } from '../server/create-bff-server';

export interface RegistryPollerOptions {
  registryUrl: string;
  client: string;
  /** Whether to follow the client's manifests too (safelisted clients). */
  manifests: boolean;
  intervalMs: number;
  log: (message: string) => void;
}

export interface RegistryPoller {
  /** One poll now; resolves when it is done (tests and start-up use it). */
  pollOnce(): Promise<void>;
  stop(): void;
}

/**
 * Registry mode: polls the registry for the client's supergraph (and manifests) with
 * If-None-Match, and hands anything new to the BFF to swap in. A registry that is down,
 * slow or answers something unusable changes nothing: the BFF keeps serving the last good
 * supergraph and says so once per outage, not once per poll.
 */
export function startRegistryPoller(bff: BffServer, options: RegistryPollerOptions): RegistryPoller {
  const etags = { supergraph: '', manifests: '' };
  let failing = false;
  let stopped = false;

  const fetchIfChanged = async (path: string, etag: string): Promise<{ etag: string; body: string } | undefined> => {
    const response = await fetch(`${options.registryUrl}${path}`, {
      headers: etag ? { 'if-none-match': etag } : {},
      signal: AbortSignal.timeout(5_000),
    });
    if (response.status === 304) return undefined;
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    return { etag: response.headers.get('etag') ?? '', body: await response.text() };
  };

  const pollOnce = async () => {
    try {
      const supergraph = await fetchIfChanged(`/clients/${options.client}/supergraph`, etags.supergraph);
      let manifests: Map<string, PersistedQueryManifest> | undefined;
      const manifestUpdate = options.manifests ? await fetchIfChanged(`/clients/${options.client}/manifests`, etags.manifests) : undefined;
      if (manifestUpdate) {
        const parsed = JSON.parse(manifestUpdate.body) as { manifests: Record<string, PersistedQueryManifest> };
        manifests = new Map(Object.entries(parsed.manifests));
      }
      if (supergraph || manifests) {
        const changed = supergraph && supergraph.body !== bff.supergraphSdl();
        await bff.swap({ supergraphSdl: changed ? supergraph.body : undefined, manifests });
        if (changed) options.log(`swapped in supergraph ${supergraph.etag} from the registry`);
        if (manifests) options.log(`safelist now has app versions ${[...manifests.keys()].join(', ')}`);
        // Remember the ETags only once the content is in use, so a failed swap is retried.
        if (supergraph) etags.supergraph = supergraph.etag;
        if (manifestUpdate) etags.manifests = manifestUpdate.etag;
      }
      if (failing) options.log('registry reachable again');
      failing = false;
    } catch (error) {
      if (!failing) options.log(`registry poll failed, serving the last good supergraph: ${(error as Error).message}`);
      failing = true;
    }
  };

  const loop = async () => {
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs).unref());
      if (!stopped) await pollOnce();
    }
  };
  void loop();
  return {
    pollOnce,
    stop: () => {
      stopped = true;
    },
  };
}
