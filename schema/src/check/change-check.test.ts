import { buildSchema } from 'graphql';
import { classifyChanges } from './change-check';

const BEFORE = buildSchema(`
  type Query { product(id: ID!, locale: String = "en"): Product, search(input: SearchInput): [Product!]! }
  interface Node { id: ID! }
  type Product implements Node { id: ID!, name: String!, status: Status!, price(currency: String): Int }
  type Review { id: ID! }
  union Result = Product | Review
  enum Status { ACTIVE, RETIRED }
  input SearchInput { text: String, limit: Int }
`);
const AFTER = buildSchema(`
  type Query { product(id: ID!, locale: String = "fr", region: String!): Product, search(input: SearchInput): [Product!] }
  interface Node { id: ID! }
  type Product { id: ID!, status: Status!, price(currency: Int): Int }
  type Review { id: ID! }
  union Result = Review
  enum Status { ACTIVE }
  input SearchInput { text: String, lang: String! }
`);

/** Each change names the coordinate whose users feel it, as BFF usage reports name what operations touch. */
test('breaking and dangerous changes carry the coordinate their users touch', () => {
  const byDescription = Object.fromEntries(classifyChanges(BEFORE, AFTER).filter((c) => c.severity !== 'safe').map((c) => [c.description, c.coordinate]));
  expect(byDescription).toEqual({
    'Product.name was removed.': 'Product.name',
    'Query.search changed type from [Product!]! to [Product!].': 'Query.search',
    'Product.price arg currency has changed type from String to Int.': 'Product.price.currency',
    'A required arg region on Query.product was added.': 'Query.product',
    'Query.product arg locale has changed defaultValue from "en" to "fr".': 'Query.product',
    'Product no longer implements interface Node.': 'Product',
    'Product was removed from union type Result.': 'Result',
    'RETIRED was removed from enum type Status.': 'Status',
    // Input types are passed as variables too: their changes are felt by every operation that passes the type.
    'SearchInput.limit was removed.': 'SearchInput',
    'A required field lang on input type SearchInput was added.': 'SearchInput',
  });
});
