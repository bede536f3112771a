import { computeResponse } from '@apollo/gateway/dist/resultShaping';
import { buildSchema, parseOperation } from '@apollo/federation-internals';
import { compileResponseShaper } from '../src/gateway/response-shaper';
import { compileResponseWriter } from '../src/gateway/response-writer';

const schema = buildSchema(/* GraphQL */ `
  type Query { items: [Item!]! maybe: Item node: Node count: Int id: ID }
  interface Node { id: ID! }
  type Item implements Node { id: ID! name: String! tags: [String] status: Status rating: Float flag: Boolean extra: JSON related: [Item!] }
  scalar JSON
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

  // Where the one-pass writer has most to get right: fields merged across fragments, repeated
  // keys, type conditions with and without __typename, the same operation with other variables.
  const writerCases: typeof cases = [
    [
      'one field selected in several fragments, its selections merged in first-seen order',
      'query { maybe { ...A related { name } ... on Item { related { id } flag } id } } fragment A on Item { related { id tags } status }',
      { maybe: { id: '1', status: 'ON', flag: true, related: [{ id: '2', name: 'r', tags: ['t'] }] } },
    ],
    ['nested fragments on an interface, data without __typename', '{ node { ... on Node { id ... on Item { name } } } }', { node: { id: '3', name: 'x' } }],
    ['__typename under an interface condition, the data naming the type', '{ maybe { ... on Node { __typename kind: __typename } } }', { maybe: { __typename: 'Item' } }],
    ['a field named like an Object.prototype member, absent from the data', '{ constructor: maybe { toString: id } }', { constructor: { id: '1' } }],
    ['strings that JSON escapes, non-ASCII text, a custom scalar', '{ maybe { id name tags extra } }', { maybe: { id: 'a"b\\c', name: 'Grüße — ★\n\u2028', tags: ['lone \ud800', 'pair 😀', '\u0007'], extra: { nested: [1, 'two', null], ok: true } } }],
    ['@include that keeps a field for one request and drops it for another', 'query ($i: Boolean!) { maybe { id name @include(if: $i) } }', { maybe: { id: '1', name: 'n' } }, { i: false }],
    ['an empty list and a null list', '{ items { id } maybe { tags related { id } } }', { items: [], maybe: { tags: null, related: [] } }],
  ];

  test.each([...cases, ...writerCases])('one-pass writer: %s', (_title, query, input, variables = {}) => {
    const operation = parseOperation(schema, query);
    const expected = computeResponse({ operation, variables, input, introspectionHandling: () => null });
    const written = compileResponseWriter(operation)(input, variables);
    const needsCompletion = expected.errors.length > 0 || expected.data === null || expected.data === undefined;
    // It gives up exactly where completion is needed, and otherwise writes what shaping would give, serialised.
    expect(written === undefined).toBe(needsCompletion);
    if (written !== undefined) expect(written).toBe(JSON.stringify(expected.data));
  });

  test('one writer answers each request by its own variables', () => {
    const operation = parseOperation(schema, 'query ($i: Boolean!, $s: Boolean = false) { maybe { id @skip(if: $s) name @include(if: $i) } }');
    const write = compileResponseWriter(operation);
    const input = { maybe: { id: '1', name: 'n' } };
    expect(write(input, { i: true })).toBe('{"maybe":{"id":"1","name":"n"}}');
    expect(write(input, { i: false })).toBe('{"maybe":{"id":"1"}}');
    expect(write(input, { i: true, s: true })).toBe('{"maybe":{"name":"n"}}');
    expect(write(input, { i: true })).toBe('{"maybe":{"id":"1","name":"n"}}');
  });

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
