import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ACCEPTED_HINTS } from './accepted-hints';
import { composeSupergraph, loadSubgraphSources } from './compose';
import { readRoverConfig } from './rover-config';

const ROVER_YAML = resolve(__dirname, '..', '..', 'rover.yaml');
const DEFAULT_PORTS: Record<string, number> = { accounts: 4101, catalog: 4102, inventory: 4103, reviews: 4104, orders: 4105 };

describe('rover.yaml', () => {
  const config = readRoverConfig(ROVER_YAML);

  test("lists the five domain subgraphs, each at its default port, each SDL file present", () => {
    expect(config.federationVersion).toMatch(/^=?2\.\d+\.\d+$/);
    expect(config.subgraphs.map((s) => s.name).sort()).toEqual(Object.keys(DEFAULT_PORTS).sort());
    for (const subgraph of config.subgraphs) {
      expect(subgraph.routingUrl).toBe(`http://127.0.0.1:${DEFAULT_PORTS[subgraph.name]}/graphql`);
      expect(subgraph.schemaFile).toBe(resolve(__dirname, '..', '..', 'subgraphs', subgraph.name, 'schema.graphql'));
      expect(existsSync(subgraph.schemaFile)).toBe(true);
    }
  });

  test('composes with no errors and no hint we have not accepted', () => {
    const result = composeSupergraph(loadSubgraphSources(config.subgraphs));
    if (!result.ok) throw new Error(`composition failed:\n${result.errors.map((e) => `${e.code}: ${e.message}`).join('\n')}`);
    const unaccepted = result.hints.filter(
      (hint) => !ACCEPTED_HINTS.some((a) => a.code === hint.code && hint.message.includes(a.messageIncludes)),
    );
    expect(unaccepted).toEqual([]);
  });

  test('the supergraph carries the federation features the domain relies on', () => {
    const result = composeSupergraph(loadSubgraphSources(config.subgraphs));
    if (!result.ok) throw new Error('composition failed');
    const sdl = result.supergraphSdl;
    expect(sdl).toMatch(/type Product[^{]*@join__type\(graph: CATALOG, key: "id"\)[^{]*@join__type\(graph: CATALOG, key: "sku"\)/);
    expect(sdl).toContain('@join__field(graph: INVENTORY, requires: "weightGrams price { amountCents currency } shippingClass")');
    expect(sdl).toContain('@join__field(graph: REVIEWS, provides: "name")');
    expect(sdl).toMatch(/shippingClass: ShippingClass![^\n]*@inaccessible/);
    for (const tag of ['internal', 'web-only', 'mobile-only']) expect(sdl).toContain(`@tag(name: "${tag}")`);
    expect(sdl).toContain('@authenticated');
    expect(sdl).toContain('@requiresScopes(scopes: [["orders:write"]])');
    expect(sdl).toContain('@listSize(');
    expect(sdl).toContain('@cost(weight: 10)');
  });
});

describe('composition errors', () => {
  test('are reported with their codes', () => {
    const result = composeSupergraph([
      { name: 'a', url: 'http://a', sdl: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"]) type Query { a: Thing } type Thing @key(fields: "id") { id: ID! name: String! }' },
      { name: 'b', url: 'http://b', sdl: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"]) type Thing @key(fields: "id") { id: ID! name: Int! }' },
    ]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.code)).toContain('INVALID_FIELD_SHARING');
  });

  test('rover.yaml problems name the offending key', () => {
    expect(() => readRoverConfig(resolve(__dirname, 'no-such-rover.yaml'))).toThrow(/not readable/);
  });
});
