import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bearer, startTestStack, type TestBff, type TestStack } from '@bff/core/testing';
import { clientFiles, readManifest, readPolicyOf, type PersistedOperation } from '@bff/formats';
import { mobileBff } from '@bff/mobile';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';

const files = clientFiles('mobile');
const releases = readdirSync(files.releasesDir)
  .filter((name) => name.endsWith('.json'))
  .map((name) => name.slice(0, -'.json'.length))
  .sort();
const supported = readPolicyOf('mobile').persistedQueries;

/**
 * Variables for the operations whose variables have no defaults, the way the app fills
 * them. A release that adds such an operation needs an entry here (the test says so).
 */
const SAMPLE_VARIABLES: Readonly<Record<string, (placed: { orderId?: string }, release: string) => Record<string, unknown>>> = {
  ProductDetail: () => ({ id: 'p-0001' }),
  PlaceOrder: (_placed, release) => ({ input: { idempotencyKey: `release-test-${release}`, lines: [{ productId: 'p-0003', quantity: 1 }] } }),
  OrderDetail: (placed) => ({ id: placed.orderId }),
  FollowOrder: (placed) => ({ id: placed.orderId }),
};

function requiredVariables(operation: PersistedOperation): string[] {
  const definition = parse(operation.body).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return (definition.variableDefinitions ?? []).filter((v) => v.type.kind === Kind.NON_NULL_TYPE && !v.defaultValue).map((v) => v.variable.name.value);
}

/**
 * A subscription as the app sends it (GraphQL over SSE, graphql-sse's distinct connections
 * mode): its first event, after which the stream is closed; or, when the BFF refuses it
 * before streaming, its refusal.
 */
async function firstEvent(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const stop = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify(body),
    signal: stop.signal,
  });
  try {
    if (!response.headers.get('content-type')?.startsWith('text/event-stream')) return { status: response.status, body: await response.json() };
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of response.body!) {
      text += decoder.decode(chunk, { stream: true });
      const next = /^event: next\ndata: (.*)$/m.exec(text);
      if (next) return { status: response.status, body: JSON.parse(next[1]!) };
    }
    throw new Error(`the stream ended without an event: ${text}`);
  } finally {
    stop.abort();
  }
}

/**
 * Every frozen release keeps working against today's schema: each of its operations, sent
 * the way the app sends it (by id only), runs on the production mobile BFF without errors.
 * A release the policy does not support (retired, or released but not yet added to it) has
 * its ids refused, but for those a supported release has too.
 */
describe('mobile app releases against the running mobile BFF', () => {
  let stack: TestStack;
  let bff: TestBff;
  beforeAll(async () => {
    stack = await startTestStack();
    bff = await stack.bff(mobileBff, 'production');
  });
  afterAll(() => stack?.stop());

  test("the app's source is what its version's release froze (a changed app is a new version)", () => {
    const version = (JSON.parse(readFileSync(join(files.appDir, 'package.json'), 'utf8')) as { version: string }).version;
    const frozen = join(files.releasesDir, `${version}.json`);
    if (!existsSync(frozen)) return; // not released yet: npm run mobile:release -- <version> freezes it
    // The manifest of the source, made the way the build makes it.
    const config = JSON.parse(readFileSync(join(files.appDir, 'persisted-query-manifest.config.json'), 'utf8')) as { output: string };
    execFileSync(process.execPath, [require.resolve('@apollo/generate-persisted-query-manifest/cli.js'), '--config', 'persisted-query-manifest.config.json'], { cwd: files.appDir, stdio: 'ignore' });
    const ids = (file: string) => readManifest(file).operations.map((op) => `${op.name} ${op.id}`).sort();
    expect(ids(join(files.appDir, config.output))).toEqual(ids(frozen));
  });

  test('there are releases, and the policy supports the ones this test runs', () => {
    expect(releases).toEqual(expect.arrayContaining(['1.0.0', '1.1.0', '1.2.0']));
    expect(supported.mode).toBe('safelist');
  });

  const supportedIds = new Set(
    (supported.mode === 'safelist' ? supported.supportedAppVersions : []).flatMap((version) => readManifest(join(files.releasesDir, `${version}.json`)).operations.map((op) => op.id)),
  );

  describe.each(releases)('release %s', (release) => {
    const manifest = readManifest(join(files.releasesDir, `${release}.json`));
    const isSupported = supported.mode === 'safelist' && supported.supportedAppVersions.includes(release);

    test(isSupported ? 'every operation runs by id alone, without errors' : 'is not supported: its own ids are refused', async () => {
      const auth = await bearer('u-004', ['orders:read', 'orders:write']);
      const placed: { orderId?: string } = {};
      // Mutations first: what they make (an order) is what some queries read.
      const operations = [...manifest.operations].sort((a, b) => Number(b.type === 'mutation') - Number(a.type === 'mutation'));
      for (const operation of operations) {
        const required = requiredVariables(operation);
        if (required.length > 0 && !SAMPLE_VARIABLES[operation.name]) {
          throw new Error(`release ${release}: ${operation.name} needs ${required.join(', ')}; add sample variables to SAMPLE_VARIABLES`);
        }
        const variables = SAMPLE_VARIABLES[operation.name]?.(placed, release) ?? {};
        const documentId = `sha256:${operation.id}`;
        const request = { documentId, variables, operationName: operation.name };
        const answer =
          operation.type === 'query' ? await bff.get(request, auth)
          : operation.type === 'subscription' ? await firstEvent(bff.url, request, auth)
          : await bff.post(request, auth);
        if (!isSupported && !supportedIds.has(operation.id)) {
          expect({ operation: operation.name, code: answer.body.errors?.[0]?.extensions?.code }).toEqual({ operation: operation.name, code: 'PERSISTED_QUERY_NOT_IN_LIST' });
          continue;
        }
        expect({ operation: operation.name, status: answer.status, errors: answer.body.errors }).toEqual({ operation: operation.name, status: 200, errors: undefined });
        if (operation.name === 'PlaceOrder') placed.orderId = answer.body.data.placeOrder.id;
      }
    });
  });
});
