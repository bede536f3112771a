import { computeResponse } from '@apollo/gateway/dist/resultShaping';
import { buildSchema, parseOperation } from '@apollo/federation-internals';
import { compileResponseShaper } from '../src/gateway/response-shaper';

const schema = buildSchema(/* GraphQL */ `
  type Query { items: [Item!]! maybe: Item node: Node count: Int id: ID }
  interface Node { id: ID! }
  type Item implements Node { id: ID! name: String! tags: [String] status: Status rating: Float flag: Boolean }
  type Other implements Node { id: ID! label: String }
  enum Status { ON OFF }
`);

/**
 * The compiled shaper must answer exactly as @apollo/gateway's result shaping on every
 * input, including the awkward ones: nulls in non-null places, values of the wrong kind,
 * unknown __typename, abstract types, aliases repeated, @skip/@include.
 */
describe('compiled response shaping = @apollo/gateway result shaping', () => {
  const cases: [title: string, query: string, input: any, variables?: Record<string, unknown>][] = [
    ['plain objects and lists', '{ items { id name tags } count }', { items: [{ id: '1', name: 'a', tags: ['x', null], extra: 1 }], count: 2 }],
    ['a null in a non-null list element bubbles to the list', '{ items { id name } maybe { id } }', { items: [{ id: '1', name: null }], maybe: { id: '2' } }],
    ['a null non-null root field nulls data', '{ items { id } }', { items: null }],
    ['leaf values of the wrong kind', '{ maybe { id status rating flag } count id }', { maybe: { id: 7, status: 'MAYBE', rating: 'high', flag: 1 }, count: 1.5, id: 12 }],
    ['aliases, repeated fields, __typename', '{ a: maybe { t: __typename id } a: maybe { name } __typename }', { a: { __typename: 'Item', id: '1', name: 'n' } }],
    ['abstract types and type conditions', '{ node { __typename id ... on Item { name } ... on Other { label } } }', { node: { __typename: 'Other', id: '9', label: 'L', name: 'hidden' } }],
    ['an unknown __typename', '{ maybe { id } }', { maybe: { __typename: 'Ghost', id: '1' } }],
    ['@skip and @include with variables and literals', 'query ($s: Boolean!, $i: Boolean = true) { maybe { id @skip(if: $s) name @include(if: $i) status @include(if: false) } }', { maybe: { id: '1', name: 'n', status: 'ON' } }, { s: true }],
    ['missing input', '{ maybe { id } }', null],
    // Response objects are plain objects: an alias that is not an ordinary key on one must still be a key of the reply.
    ['an alias __proto__', '{ __proto__: maybe { __proto__: id name } }', JSON.parse('{"__proto__": {"__proto__": "1", "name": "n"}}')],
    ['integers too large to print without an exponent are not Int', '{ count id }', { count: 1e21, id: 123456789012 }],
  ];

  test.each(cases)('%s', (_title, query, input, variables = {}) => {
    const operation = parseOperation(schema, query);
    const expected = computeResponse({ operation, variables, input, introspectionHandling: () => null });
    const actual = compileResponseShaper(operation)(input, variables);
    expect(JSON.stringify(actual.data)).toBe(JSON.stringify(expected.data));
    expect(actual.errors.map((e) => [e.message, e.path])).toEqual(expected.errors.map((e) => [e.message, e.path]));
  });

  test('an alias __proto__ is a key of the reply, not a prototype', () => {
    const operation = parseOperation(schema, '{ __proto__: maybe { __proto__: id } }');
    const actual = compileResponseShaper(operation)(JSON.parse('{"__proto__": {"__proto__": "1"}}'), {});
    expect(JSON.stringify(actual.data)).toBe('{"__proto__":{"__proto__":"1"}}');
  });
});
