import { resolve } from 'node:path';
import { ErrorCode, REPO_ROOT, rejection, type Rejection } from '@bff/platform';
import type { GraphQLSchema } from 'graphql';
import type { OperationRequest } from '../gate/graphql-request';
import type { PersistedResolution } from '../gate/operation-gate';
import type { PersistedQueryPolicy } from '@bff/formats';
import { NO_BFF_METRICS, type BffMetrics } from '../server/bff-metrics';
import type { BffMode } from '../bff-mode';
import type { ApqStore } from './apq-store';
import { releaseWindow, sha256Hex, type PersistedQueryManifest } from '@bff/formats';
import { loadSafelist, safelistOf, type SafelistedOperation } from './safelist';

export interface PersistedQueryHandlers {
  /** `appVersion`: the release the caller says it is (`apollographql-client-version`), if any. */
  resolvePersisted(operation: OperationRequest, appVersion?: string): Promise<PersistedResolution | Rejection>;
  /** Stores an APQ registration (the gate calls it once the operation has passed every check). */
  register(hash: string, query: string): Promise<void>;
  /** The safelist, for start-up work (pre-planning) and tests; empty in automatic mode. */
  safelist: ReadonlyMap<string, SafelistedOperation>;
}

const SHA256_HEX = /^[a-f0-9]{64}$/;
/** APQ's "not found" is part of the protocol, not a failure: 200, never cached (as Apollo Server does). */
const APQ_MISS_HEADERS = { 'cache-control': 'private, no-cache, must-revalidate' };

function withoutPersistedExtension(operation: OperationRequest): OperationRequest {
  if (!operation.extensions?.persistedQuery) return operation;
  const { persistedQuery: _, ...rest } = operation.extensions;
  return { ...operation, extensions: Object.keys(rest).length ? rest : undefined };
}

/**
 * Persisted queries as the client's policy says: automatic (APQ, register on miss) or a
 * safelist (manifests of supported app versions). This runs in the front gate, so limits
 * apply to the query text whatever way it arrived, and a query is registered only once it
 * has passed them.
 */
export function persistedQueryHandlers(
  policy: PersistedQueryPolicy,
  mode: BffMode,
  options: {
    apiSchema: GraphQLSchema;
    apqStore: ApqStore;
    /** Registry mode: the supported manifests as the registry has them (else the policy's files). */
    manifests?: ReadonlyMap<string, PersistedQueryManifest>;
    metrics?: BffMetrics;
  },
): PersistedQueryHandlers {
  const safelist: Map<string, SafelistedOperation> =
    policy.mode !== 'safelist'
      ? new Map()
      : options.manifests
        ? safelistOf(options.manifests, options.apiSchema)
        : loadSafelist(resolve(REPO_ROOT, policy.manifestsDir), policy.supportedAppVersions, options.apiSchema);
  const supportedVersions = policy.mode === 'safelist' ? (options.manifests ? [...options.manifests.keys()] : policy.supportedAppVersions) : [];
  const freeTextAllowed = policy.mode === 'automatic' || policy.freeText[mode];
  const metrics = options.metrics ?? NO_BFF_METRICS;
  const window = releaseWindow(policy.mode === 'safelist' ? { ...policy, supportedAppVersions: supportedVersions } : { supportedAppVersions: [] });
  /**
   * A release past its support window is told to update, never given a generic error: the
   * app shows its update screen. Known by the version the app sends, or, for an app that
   * sends none, by an id only such releases have.
   */
  const upgradeRequired = (appVersion: string | undefined) =>
    rejection(
      400,
      ErrorCode.UPGRADE_REQUIRED,
      `This app version${appVersion ? ` (${appVersion})` : ''} is no longer supported: update to ${window.minimumVersion() ?? 'the latest version'} or later.`,
      { details: { minimumVersion: window.minimumVersion() ?? null, ...(appVersion && { appVersion }) } },
    );

  const resolvePersisted = async (operation: OperationRequest, appVersion?: string): Promise<PersistedResolution | Rejection> => {
    const persisted = operation.extensions?.persistedQuery;
    if (!persisted) {
      if (operation.query !== undefined && !freeTextAllowed) {
        metrics.persistedQuery('text_refused');
        return rejection(
          400,
          ErrorCode.PERSISTED_QUERY_REQUIRED,
          'This client only runs persisted queries: send extensions.persistedQuery.sha256Hash of an operation from its manifest.',
        );
      }
      return { operation };
    }
    if (typeof persisted !== 'object' || Array.isArray(persisted)) {
      return rejection(400, ErrorCode.BAD_REQUEST, 'extensions.persistedQuery must be an object: { "version": 1, "sha256Hash": "<sha256 hex>" }.');
    }
    if (persisted.version !== 1) return rejection(400, ErrorCode.BAD_REQUEST, 'Unsupported persisted query version; use version 1.');
    const hash = persisted.sha256Hash;
    if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) {
      return rejection(400, ErrorCode.BAD_REQUEST, 'extensions.persistedQuery.sha256Hash must be 64 lower-case hex characters.');
    }
    if (operation.query !== undefined && sha256Hex(operation.query) !== hash) {
      return rejection(400, ErrorCode.PERSISTED_QUERY_HASH_MISMATCH, 'extensions.persistedQuery.sha256Hash is not the sha256 of the query sent with it.');
    }
    const plain = withoutPersistedExtension(operation);

    if (policy.mode === 'safelist') {
      if (appVersion !== undefined && supportedVersions.includes(appVersion) && !window.inWindow(appVersion)) {
        metrics.persistedQuery('upgrade_required');
        return upgradeRequired(appVersion);
      }
      const entry = safelist.get(hash);
      if (entry && !entry.appVersions.some((version) => window.inWindow(version))) {
        metrics.persistedQuery('upgrade_required');
        return upgradeRequired(appVersion);
      }
      if (!entry) {
        metrics.persistedQuery('not_in_list');
        return rejection(
          400,
          ErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
          `Persisted query ${hash} is in no manifest of a supported app version (${supportedVersions.join(', ')}).`,
        );
      }
      metrics.persistedQuery('hit');
      // The manifest's name for it: logs and metrics name the operation even when the app sent only the id.
      return { operation: { ...plain, query: entry.body, operationName: plain.operationName ?? entry.name } };
    }

    if (operation.query !== undefined) return { operation: plain, register: hash };
    const stored = await options.apqStore.get(hash);
    if (stored === undefined) {
      metrics.persistedQuery('miss');
      return rejection(200, ErrorCode.PERSISTED_QUERY_NOT_FOUND, 'PersistedQueryNotFound', { headers: APQ_MISS_HEADERS });
    }
    metrics.persistedQuery('hit');
    return { operation: { ...plain, query: stored } };
  };

  return {
    resolvePersisted,
    register: async (hash, query) => {
      await options.apqStore.set(hash, query);
      metrics.persistedQuery('registered');
    },
    safelist,
  };
}
