import { Supergraph, ROUTER_SUPPORTED_SUPERGRAPH_FEATURES } from '@apollo/federation-internals';
import { parse, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { VerifiedUser } from '../auth/authenticator';
import type { BffMode } from '../bff-mode';
import { EXPERIENCE_SUBGRAPH_NAME } from '../experience';
import { accessRequirementsFromSupergraph } from '../auth/access-requirements';
import { authorizeOperation } from '../auth/authorize-operation';
import { NoIntrospectionRule } from '../gate/NoIntrospectionRule';
import { createOperationGate, type OperationGate } from '../gate/operation-gate';
import { costModelFromSupergraph } from '../limits/cost-model';
import type { ApqStore } from '../persisted/apq-store';
import type { PersistedQueryManifest, ClientPolicy } from '@bff/formats';
import { persistedQueryHandlers } from '../persisted/persisted-queries';
import type { SubgraphBreakers } from '../resilience/subgraph-breakers';
import type { BffMetrics } from './bff-metrics';
import type { ReadinessReport, Rejection } from '@bff/platform';
import { subgraphReadiness, type RemoteSubgraph } from './subgraph-readiness';

/**
 * Everything a BFF derives from one supergraph (and, for a safelisted client, one set of
 * manifests): the front gate with its API schema, cost model and safelist, and the
 * readiness probe over the supergraph's subgraphs. Built whole, then swapped whole.
 */
export interface SupergraphState {
  supergraphSdl: string;
  /** The client's API schema (what its operations are validated against, and usage coordinates named in). */
  apiSchema: GraphQLSchema;
  manifests: ReadonlyMap<string, PersistedQueryManifest> | undefined;
  gate: OperationGate;
  /** `@authenticated` / `@requiresScopes` for one caller (what the gate applies), for checks after admission: each subscription event. */
  authorize: (document: DocumentNode, operation: OperationDefinitionNode, caller: VerifiedUser | null) => Rejection | undefined;
  /** The operations this client may run by id (safelist), to plan at start-up; empty for APQ clients. */
  persistedOperations: readonly { query: string; operationName?: string }[];
  /** Readiness over the supergraph's subgraphs (see subgraph-readiness.ts). */
  readiness: () => Promise<ReadinessReport>;
  /** The HTTP subgraphs it routes to, where they are. */
  subgraphs: readonly RemoteSubgraph[];
}

export interface SupergraphStateOptions {
  policy: ClientPolicy;
  mode: BffMode;
  apqStore: ApqStore;
  subgraphUrls?: Readonly<Record<string, string>>;
  gatewaySecret: string;
  breakers: SubgraphBreakers;
  metrics?: BffMetrics;
}

/** The HTTP subgraphs a supergraph routes to (the in-process experience subgraph excluded). */
export function remoteSubgraphs(supergraph: Supergraph, overrides: Readonly<Record<string, string>> = {}): RemoteSubgraph[] {
  return supergraph
    .subgraphsMetadata()
    .filter((s) => s.name !== EXPERIENCE_SUBGRAPH_NAME)
    .map((s) => ({ name: s.name, url: overrides[s.name] ?? s.url }));
}

/** Throws if the supergraph is invalid or a safelisted operation does not validate against it. */
export function buildSupergraphState(
  supergraphSdl: string,
  manifests: ReadonlyMap<string, PersistedQueryManifest> | undefined,
  options: SupergraphStateOptions,
): SupergraphState {
  // Router features (@authenticated, @requiresScopes) are ours to enforce, so accept them here.
  // Parsed once; the supergraph model, the access rules and the cost model all read this one document.
  const document = parse(supergraphSdl);
  const supergraph = Supergraph.build(document, { supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES });
  // @defer is in the schema for every client; MaxDeferredFragmentsRule applies each client's policy to it.
  const apiSchema = supergraph.apiSchema().toGraphQLJSSchema({ includeDefer: true });
  const requirements = accessRequirementsFromSupergraph(document);
  const persisted = persistedQueryHandlers(options.policy.persistedQueries, options.mode, { apiSchema, apqStore: options.apqStore, manifests, metrics: options.metrics });
  // Where introspection is off, "Did you mean …?" would reveal the schema as surely.
  const schemaIsPublic = options.mode === 'development' || options.policy.introspectionInProduction;
  const subgraphs = remoteSubgraphs(supergraph, options.subgraphUrls);
  const authorize = (document: DocumentNode, operation: OperationDefinitionNode, caller: VerifiedUser | null) => authorizeOperation(apiSchema, document, operation, requirements, caller);
  return {
    supergraphSdl,
    apiSchema,
    manifests,
    gate: createOperationGate({
      limits: options.policy.limits,
      apiSchema,
      costModel: costModelFromSupergraph(document),
      extraValidationRules: schemaIsPublic ? [] : [NoIntrospectionRule],
      suggestNames: schemaIsPublic,
      resolvePersisted: persisted.resolvePersisted,
      register: persisted.register,
      authorize,
    }),
    authorize,
    persistedOperations: [...persisted.safelist.values()].map((op) => ({ query: op.body, operationName: op.name })),
    readiness: subgraphReadiness(subgraphs, options.gatewaySecret, options.breakers),
    subgraphs,
  };
}
