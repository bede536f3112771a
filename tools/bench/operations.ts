import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GATEWAY_CREDENTIAL_HEADER, REPO_ROOT } from '@bff/platform';
import { clientOperation } from '@bff/schema';
import {
  Kind,
  TypeInfo,
  isObjectType,
  isInterfaceType,
  parse,
  print,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';

/** What kind of server a request is built for: one of our BFFs, or an anchor (serving the client's supergraph, or the domain one). */
export type TargetKind = 'web-bff' | 'mobile-bff' | 'anchor';

/** One GraphQL operation of a benchmarked request. */
export interface OperationCall {
  /** The operation as the client app has it (experience fields included). */
  document: string;
  operationName: string;
  variables: Record<string, unknown>;
  /** sha256 of `document`, if the client sends it as a persisted query. */
  persistedHash?: string;
}

/** A representative client request: one operation, or an HTTP batch of several. */
export interface BenchOperation {
  id: string;
  label: string;
  client: 'web' | 'mobile';
  /** How our BFF receives it. */
  transport: 'post' | 'persisted-get' | 'persisted-batch';
  calls: OperationCall[];
}

/** A request as it goes on the wire (headers are not counted as request bytes). */
export interface WireRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** An operation projected onto a smaller schema, and the coordinates (`Type.field`) it lost. */
export interface ProjectedOperation {
  document: string;
  /** Response keys of the removed selections (to drop them from a reference reply). */
  removedKeys: string[];
  /** Schema coordinates of the removed fields, sorted. */
  removedFields: string[];
  /** Variables the projected document no longer declares. */
  removedVariables: string[];
}

/**
 * The same operation against a schema that lacks some fields (the domain supergraph has no
 * experience subgraph; see `hiveClientSupergraphGaps`): every field the target schema does not have is removed, a field
 * left with an empty selection set goes too, and so do variables nobody uses any more.
 * Fields are looked up by their parent type in `clientSchema`, so a field name that exists
 * on another type is not touched.
 */
export function projectOperation(document: string, clientSchema: GraphQLSchema, targetSchema: GraphQLSchema): ProjectedOperation {
  const removedFields = new Set<string>();
  const removedKeys = new Set<string>();
  const typeInfo = new TypeInfo(clientSchema);
  let projected: DocumentNode = visit(
    parse(document),
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent || node.name.value.startsWith('__')) return undefined;
        const target = targetSchema.getType(parent.name);
        const has = target && (isObjectType(target) || isInterfaceType(target)) && node.name.value in target.getFields();
        if (has) return undefined;
        removedFields.add(`${parent.name}.${node.name.value}`);
        removedKeys.add(node.alias?.value ?? node.name.value);
        return null;
      },
    }),
  );
  projected = visit(projected, {
    // A field whose whole selection was removed would be invalid; remove it as well (bottom-up).
    leave(node) {
      if ((node.kind === Kind.FIELD || node.kind === Kind.INLINE_FRAGMENT) && node.selectionSet && node.selectionSet.selections.length === 0) {
        if (node.kind === Kind.FIELD) removedKeys.add(node.alias?.value ?? node.name.value);
        return null;
      }
      return undefined;
    },
  });
  const used = new Set<string>();
  visit(projected, {
    // A definition's own `$name` is not a use of it.
    VariableDefinition: () => false,
    Variable: (node) => void used.add(node.name.value),
  });
  const removedVariables: string[] = [];
  projected = visit(projected, {
    VariableDefinition(node) {
      if (used.has(node.variable.name.value)) return undefined;
      removedVariables.push(node.variable.name.value);
      return null;
    },
  });
  return {
    document: print(projected),
    removedKeys: [...removedKeys].sort(),
    removedFields: [...removedFields].sort(),
    removedVariables: removedVariables.sort(),
  };
}

/** The request variables minus those the projected document no longer declares. */
export function keepVariables(variables: Record<string, unknown>, removed: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(variables).filter(([name]) => !removed.includes(name)));
}

/** Removes the given keys from every object of a reply (an anchor's reply lacks the experience fields). */
export function dropKeys(value: unknown, keys: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => dropKeys(item, keys));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !keys.has(key))
        .map(([key, inner]) => [key, dropKeys(inner, keys)]),
    );
  }
  return value;
}

/** Bytes of the request line (`GET /graphql?… HTTP/1.1`, without CRLF) plus the body: the request minus its headers. */
export function requestBytes(request: WireRequest): { requestLine: number; total: number } {
  const requestLine = Buffer.byteLength(`${request.method} ${request.path} HTTP/1.1`);
  return { requestLine, total: requestLine + (request.body ? Buffer.byteLength(request.body) : 0) };
}

const JSON_HEADERS = { 'content-type': 'application/json' };
/** A client that identifies itself; our BFFs require one of these headers on a GET (CSRF). */
const MOBILE_HEADERS = { 'apollographql-client-name': 'mobile-app', 'apollographql-client-version': '1.1.0' };

/**
 * How a target receives the operation. Our BFFs get what the clients send (mobile: hashes
 * only, the feed as a CDN-cacheable GET); anchors know no persisted operations, so they get
 * the operation text as a POST (a JSON array for the batch): the very same text when they
 * serve the client's supergraph, or with `projections`, the text projected onto the domain
 * supergraph (for an anchor that cannot serve the client's).
 */
export function wireRequest(operation: BenchOperation, kind: TargetKind, projections?: ReadonlyMap<OperationCall, ProjectedOperation>, graphqlPath = '/graphql'): WireRequest {
  const headers = operation.client === 'mobile' ? { ...MOBILE_HEADERS } : {};
  if (kind === 'anchor') {
    const items = operation.calls.map((call) => {
      if (!projections) return { query: call.document, operationName: call.operationName, variables: call.variables };
      const projected = projections.get(call);
      if (!projected) throw new Error(`no projection of ${call.operationName} for the anchors`);
      return { query: projected.document, operationName: call.operationName, variables: keepVariables(call.variables, projected.removedVariables) };
    });
    const body = operation.calls.length === 1 && operation.transport !== 'persisted-batch' ? items[0] : items;
    return { method: 'POST', path: graphqlPath, headers: { ...headers, ...JSON_HEADERS }, body: JSON.stringify(body) };
  }
  // The mobile app names its operations by documentId (`sha256:<hash>`), the short form.
  const documentId = (call: OperationCall) => {
    if (!call.persistedHash) throw new Error(`${call.operationName} has no persisted-query hash`);
    return `sha256:${call.persistedHash}`;
  };
  switch (operation.transport) {
    case 'post': {
      const [call] = operation.calls;
      return { method: 'POST', path: graphqlPath, headers: { ...headers, ...JSON_HEADERS }, body: JSON.stringify({ query: call!.document, operationName: call!.operationName, variables: call!.variables }) };
    }
    case 'persisted-get': {
      const [call] = operation.calls;
      const params = new URLSearchParams({ documentId: documentId(call!), variables: JSON.stringify(call!.variables) });
      return { method: 'GET', path: `${graphqlPath}?${params.toString()}`, headers };
    }
    case 'persisted-batch': {
      const body = operation.calls.map((call) => ({ documentId: documentId(call), variables: call.variables }));
      return { method: 'POST', path: graphqlPath, headers: { ...headers, ...JSON_HEADERS }, body: JSON.stringify(body) };
    }
  }
}

interface ManifestOperation {
  id: string;
  name: string;
  body: string;
}

/**
 * The operation POSTed straight to a subgraph, as a gateway sends it: the query text (a
 * root-field query of that one subgraph is its own subgraph query), JSON, and the gateway
 * credential every subgraph requires.
 */
export function directSubgraphRequest(operation: BenchOperation, subgraphUrl: string, gatewaySecret: string): WireRequest {
  const [call] = operation.calls;
  if (!call || operation.calls.length !== 1) throw new Error(`${operation.label}: a direct subgraph request is one operation`);
  return {
    method: 'POST',
    path: new URL(subgraphUrl).pathname,
    headers: { ...JSON_HEADERS, [GATEWAY_CREDENTIAL_HEADER]: gatewaySecret },
    body: JSON.stringify({ query: call.document, operationName: call.operationName, variables: call.variables }),
  };
}

/** The newest mobile app version's manifest (operations by name), checked against its hashes. */
export function mobileManifest(dir = resolve(REPO_ROOT, 'clients', 'mobile', 'releases'), versions = ['1.1.0', '1.0.0']): { version: string; operations: Map<string, ManifestOperation> } {
  for (const version of versions) {
    let manifest: { operations: ManifestOperation[] };
    try {
      manifest = JSON.parse(readFileSync(resolve(dir, `${version}.json`), 'utf8')) as { operations: ManifestOperation[] };
    } catch {
      continue;
    }
    for (const op of manifest.operations) {
      const hash = createHash('sha256').update(op.body).digest('hex');
      if (hash !== op.id) throw new Error(`manifest ${version}: ${op.name} has id ${op.id} but its body hashes to ${hash}`);
    }
    return { version, operations: new Map(manifest.operations.map((op) => [op.name, op])) };
  }
  throw new Error(`no mobile manifest (${versions.join(', ')}) in ${dir}`);
}

/** A storefront operation as registered: printed, with the fragments it uses. */
/**
 * A web client operation as every target gets it: without its `@defer`s, which stock
 * @apollo/gateway refuses (it has no incremental delivery) and a BFF answers in one reply to
 * a JSON request anyway, so every target runs the same whole query.
 */
const webDocument = (name: string): string => {
  const source = clientOperation('web', name);
  if (!source.includes('@defer')) return source;
  return print(visit(parse(source), { Directive: (directive) => (directive.name.value === 'defer' ? null : undefined) }));
};

/**
 * The BFF overhead pair: a one-fetch operation through its BFF, and the same query POSTed
 * straight to the one subgraph it fetches from.
 */
export interface OverheadOperation {
  /** Its id for --ops. */
  id: string;
  /** What the BFF gets (a BenchOperation of its client). */
  operation: BenchOperation;
  /** The subgraph the BFF's plan sends its one fetch to. */
  subgraph: string;
}

export interface OperationSet {
  operations: BenchOperation[];
  overhead: OverheadOperation;
  /** The list-size variants of the counting pass: per operation id, the same request at two sizes. */
  listSizeVariants: { operationId: string; sizes: [number, number]; build(size: number): BenchOperation }[];
  mobileAppVersion: string;
}

/** The representative operations: two web pages, the mobile feed (persisted GET) and a mobile batch of three. */
export function benchOperations(): OperationSet {
  const manifest = mobileManifest();
  const mobileCall = (name: string, variables: Record<string, unknown>): OperationCall => {
    const op = manifest.operations.get(name);
    if (!op) throw new Error(`the mobile ${manifest.version} manifest has no ${name}`);
    return { document: op.body, operationName: name, variables, persistedHash: op.id };
  };
  const productPage: BenchOperation = {
    id: 'web-product',
    label: 'web ProductPage',
    client: 'web',
    transport: 'post',
    calls: [{ document: webDocument('ProductPage'), operationName: 'ProductPage', variables: { sku: 'AUD-0001' } }],
  };
  const homePage = (first: number): BenchOperation => ({
    id: 'web-home',
    label: 'web HomePage',
    client: 'web',
    transport: 'post',
    calls: [{ document: webDocument('HomePage'), operationName: 'HomePage', variables: { first } }],
  });
  const feed = (first: number): BenchOperation => ({
    id: 'mobile-feed',
    label: 'mobile MobileFeed',
    client: 'mobile',
    transport: 'persisted-get',
    calls: [mobileCall('MobileFeed', { first })],
  });
  const batch: BenchOperation = {
    id: 'mobile-batch',
    label: 'mobile batch of 3',
    client: 'mobile',
    transport: 'persisted-batch',
    calls: [mobileCall('MobileFeed', { first: 10 }), mobileCall('ProductDetail', { id: 'p-0001' }), mobileCall('ProductDetail', { id: 'p-0002' })],
  };
  const categories: BenchOperation = {
    id: 'bff-overhead',
    label: 'web Categories',
    client: 'web',
    transport: 'post',
    calls: [{ document: webDocument('Categories'), operationName: 'Categories', variables: {} }],
  };
  return {
    operations: [productPage, homePage(20), feed(20), batch],
    overhead: { id: 'bff-overhead', operation: categories, subgraph: 'catalog' },
    listSizeVariants: [
      { operationId: 'web-home', sizes: [5, 50], build: homePage },
      { operationId: 'mobile-feed', sizes: [5, 50], build: feed },
    ],
    mobileAppVersion: manifest.version,
  };
}
