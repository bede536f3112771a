import { readFileSync } from 'node:fs';
import { buildClientSchema, buildSchema, getIntrospectionQuery, isObjectType, type GraphQLSchema } from 'graphql';
import { dataset } from '@subgraphs/kit';
import type { BffDefinition } from '../../src';
import { queryOfDepth, queryOverDepth, queryWithAliases, queryWithCost, queryWithDirectives, queryWithRootFields, queryWithTokens } from './limit-queries';
import { bearer, startTestStack, type TestBff, type TestStack } from './test-stack';
import { clientFiles } from '@bff/formats';

/** Every object type's fields, as `Type.field` coordinates: the shape of a schema to compare. */
function coordinates(schema: GraphQLSchema): string[] {
  return Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) && !type.name.startsWith('__'))
    .flatMap((type) => Object.keys((type as any).getFields()).map((field) => `${type.name}.${field}`))
    .sort();
}

/**
 * The conformance suite every BFF passes, whatever its policy: it serves data from all five
 * subgraphs, shows exactly its API schema, and enforces each of its limits at the boundary
 * (a test just under and one just over each, with the values taken from its policy).
 */
export function describeBffConformance(definition: BffDefinition): void {
  const { name, limits } = definition.policy;

  describe(`${name} BFF conformance`, () => {
    let stack: TestStack;
    let bff: TestBff;
    beforeAll(async () => {
      stack = await startTestStack();
      bff = await stack.bff(definition);
    });
    afterAll(() => stack?.stop());

    const expectAccepted = (response: { status: number; body: any }) => {
      expect({ status: response.status, code: response.body?.errors?.[0]?.extensions?.code }).toEqual({ status: 200, code: undefined });
    };
    const expectRejected = (response: { status: number; body: any }, code: string, limit: number, measured: number) => {
      expect(response.status).toBe(400);
      expect(response.body.errors[0].extensions).toMatchObject({ code, limit, measured });
      expect(response.body.errors[0].message).toContain(String(limit));
      expect(response.body.errors[0].message).toContain(String(measured));
    };

    test('is ready once every subgraph has answered', async () => {
      expect((await fetch(bff.url.replace('/graphql', '/health/ready'))).status).toBe(200);
    });

    test('answers from all five subgraphs in one query', async () => {
      const seed = dataset().products[0]!;
      const { status, body } = await bff.post(
        {
          query: /* GraphQL */ `{
            product(id: "${seed.id}") { name price { formatted } inStock ratingSummary { count } reviews(first: 1) { nodes { author { name tier } } } }
            myOrders(first: 1) { nodes { number total { formatted } } }
          }`,
        },
        await bearer('u-001', ['orders:read']),
      );
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data.product).toMatchObject({ name: seed.name, price: { formatted: expect.stringMatching(/^\$/) }, inStock: expect.any(Boolean) });
      expect(body.data.product.reviews.nodes[0].author.tier).toMatch(/^(STANDARD|SILVER|GOLD|PLATINUM)$/);
      expect(body.data.myOrders.nodes[0].number).toMatch(/^SO-/);
    });

    test('introspection shows exactly its API schema', async () => {
      const { body } = await bff.post({ query: getIntrospectionQuery() });
      const served = buildClientSchema(body.data);
      const apiSchema = buildSchema(readFileSync(clientFiles(name).apiSchemaFile, 'utf8'));
      expect(coordinates(served)).toEqual(coordinates(apiSchema));
    });

    describe('limits, just under and just over', () => {
      test(`depth ${limits.maxDepth}`, async () => {
        expectAccepted(await bff.post({ query: queryOfDepth(limits.maxDepth) }));
        expectRejected(await bff.post({ query: queryOverDepth(limits.maxDepth) }), 'DEPTH_LIMIT_EXCEEDED', limits.maxDepth, limits.maxDepth + 1);
      });

      test(`aliases ${limits.maxAliases}`, async () => {
        expectAccepted(await bff.post({ query: queryWithAliases(limits.maxAliases) }));
        expectRejected(await bff.post({ query: queryWithAliases(limits.maxAliases + 1) }), 'ALIAS_LIMIT_EXCEEDED', limits.maxAliases, limits.maxAliases + 1);
      });

      test(`directives ${limits.maxDirectives}`, async () => {
        expectAccepted(await bff.post({ query: queryWithDirectives(limits.maxDirectives) }));
        expectRejected(await bff.post({ query: queryWithDirectives(limits.maxDirectives + 1) }), 'DIRECTIVE_LIMIT_EXCEEDED', limits.maxDirectives, limits.maxDirectives + 1);
      });

      test('hundreds of unknown directives on one field are one error; errors past the cap are one more', async () => {
        const overloaded = await bff.post({ query: `{ product(id: "p-0001") { id ${'@aa '.repeat(500)} } }` });
        expect(overloaded.body.errors).toHaveLength(1);
        expect(overloaded.body.errors[0].extensions.code).toBe('DIRECTIVE_LIMIT_EXCEEDED');
        const unknownFields = Array.from({ length: 40 }, (_, i) => `nope${i}`).join(' ');
        const many = await bff.post({ query: `{ product(id: "p-0001") { ${unknownFields} } }` });
        expect(many.status).toBe(400);
        expect(many.body.errors).toHaveLength(20);
        expect(many.body.errors.at(-1).extensions).toMatchObject({ code: 'ERRORS_TRUNCATED', omitted: expect.any(Number) });
      });

      test(`root fields ${limits.maxRootFields}`, async () => {
        expectAccepted(await bff.post({ query: queryWithRootFields(limits.maxRootFields) }));
        expectRejected(
          await bff.post({ query: queryWithRootFields(limits.maxRootFields + 1) }),
          'ROOT_FIELD_LIMIT_EXCEEDED',
          limits.maxRootFields,
          limits.maxRootFields + 1,
        );
      });

      test(`tokens ${limits.maxTokens}`, async () => {
        expectAccepted(await bff.post({ query: queryWithTokens(limits.maxTokens) }));
        expectRejected(await bff.post({ query: queryWithTokens(limits.maxTokens + 1) }), 'TOKEN_LIMIT_EXCEEDED', limits.maxTokens, limits.maxTokens + 1);
      });

      test(`cost ${limits.maxCost}`, async () => {
        // At most maxRootFields - 1 roots for the query at the limit, so one more root can make it limit + 1.
        const roots = limits.maxRootFields - 1;
        expectAccepted(await bff.post({ query: queryWithCost(limits.maxCost, roots) }));
        expectRejected(await bff.post({ query: queryWithCost(limits.maxCost + 1, roots + 1) }), 'COST_LIMIT_EXCEEDED', limits.maxCost, limits.maxCost + 1);
      });

      test(`cost counts variables: first: $n`, async () => {
        const query = /* GraphQL */ `query ($n: Int) { products(first: $n) { nodes { reviews(first: 100) { nodes { id } } } } }`;
        const perProduct = 2 + 100;
        const within = Math.floor((limits.maxCost - 1) / perProduct);
        expectAccepted(await bff.post({ query, variables: { n: Math.min(within, 100) } }));
        const over = Math.ceil(limits.maxCost / perProduct) + 1;
        const response = await bff.post({ query, variables: { n: over } });
        expectRejected(response, 'COST_LIMIT_EXCEEDED', limits.maxCost, 1 + over * perProduct);
      });

      test(`batch of ${limits.maxBatchSize}`, async () => {
        const operation = { query: /* GraphQL */ `{ product(id: "p-0001") { id } }` };
        if (limits.maxBatchSize > 1) {
          const { status, body } = await bff.post(Array(limits.maxBatchSize).fill(operation));
          expect(status).toBe(200);
          expect(body).toHaveLength(limits.maxBatchSize);
        } else {
          expectAccepted(await bff.post(operation));
        }
        expectRejected(await bff.post(Array(limits.maxBatchSize + 1).fill(operation)), 'BATCH_LIMIT_EXCEEDED', limits.maxBatchSize, limits.maxBatchSize + 1);
      });

      test(`body of ${limits.maxBodyBytes} bytes`, async () => {
        // Padding in a comment: bytes on the wire, no tokens.
        const sized = (bytes: number) => {
          const base = JSON.stringify({ query: '{ product(id: "p-0001") { id } }\n#' });
          return { query: `{ product(id: "p-0001") { id } }\n#${'x'.repeat(bytes - base.length)}` };
        };
        expect(JSON.stringify(sized(limits.maxBodyBytes)).length).toBe(limits.maxBodyBytes);
        expectAccepted(await bff.post(sized(limits.maxBodyBytes)));
        const over = await bff.post(sized(limits.maxBodyBytes + 1));
        expect(over.status).toBe(400);
        expect(over.body.errors[0].extensions.code).toBe('BODY_LIMIT_EXCEEDED');
        expect(over.body.errors[0].message).toContain(String(limits.maxBodyBytes));
      });
    });
  });
}
