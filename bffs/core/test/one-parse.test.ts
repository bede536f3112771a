import * as parser from 'graphql/language/parser';
import * as validation from 'graphql/validation/validate';
import { specifiedRules, type DocumentNode } from 'graphql';
import { webBff } from '@bff/web';
import { startTestStack, type TestBff, type TestStack } from './support/test-stack';

/**
 * A request's document is parsed and fully validated once per text, by the gate, and what
 * the gate admitted goes straight to planning and execution: no second parse, no second
 * validation, however many requests send the same text.
 */
describe('one parse per request text', () => {
  let stack: TestStack;
  let web: TestBff;
  beforeAll(async () => {
    stack = await startTestStack();
    web = await stack.bff(webBff, 'production');
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await stack?.stop();
  });

  test('five requests with one text: one parse, one full validation, five answers', async () => {
    const parse = jest.spyOn(parser, 'parse');
    const validate = jest.spyOn(validation, 'validate');
    // A text no other test sends, so nothing has it cached yet.
    const query = 'query OneParse($first: Int!) { products(first: $first) { nodes { id name } } }';
    for (const first of [1, 2, 2, 3, 1]) {
      const { status, body } = await web.post({ query, variables: { first } });
      expect(status).toBe(200);
      expect(body.data.products.nodes).toHaveLength(first);
    }
    const parsesOfQuery = parse.mock.calls.filter(([source]) => (typeof source === 'string' ? source : source.body) === query);
    expect(parsesOfQuery).toHaveLength(1);
    const document = parse.mock.results[parse.mock.calls.indexOf(parsesOfQuery[0]!)]!.value as DocumentNode;
    const fullValidations = validate.mock.calls.filter(([, doc, rules]) => doc === document && (rules ?? specifiedRules).length >= specifiedRules.length);
    expect(fullValidations).toHaveLength(1);
  });
});
