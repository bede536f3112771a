import { resolve } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { applyContract } from './contract';
import { composeSupergraph, loadSubgraphSources } from './compose';
import { readRoverConfig } from './rover-config';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@tag", "@inaccessible", "@shareable"])';

function supergraphOf(...subgraphs: [string, string][]): string {
  const result = composeSupergraph(subgraphs.map(([name, sdl]) => ({ name, url: `http://${name}`, sdl: `${LINK}\n${sdl}` })));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.supergraphSdl;
}

describe('applyContract', () => {
  const supergraph = supergraphOf(
    [
      'shop',
      /* GraphQL */ `
        type Query { product: Product, secretReport: Report @tag(name: "internal"), promo: Promo }
        type Product @key(fields: "id") { id: ID!, name: String!, margin: Float @tag(name: "internal"), badge: Badge }
        type Report { total: Int }
        type Badge @tag(name: "web-only") { label: String }
        type Promo { banner: Banner @tag(name: "web-only") }
        type Banner { url: String }
      `,
    ],
  );

  test('hides tagged elements and what they leave unusable or unreachable', () => {
    const contract = applyContract(supergraph, { excludeTags: ['internal', 'web-only'] });
    expect(contract.hidden).toEqual([
      'Badge', // tagged
      'Banner', // only reachable through a hidden field
      'Product.badge', // returns a hidden type
      'Product.margin', // tagged
      'Promo', // every field hidden
      'Promo.banner', // tagged
      'Query.promo', // returns a hidden type
      'Query.secretReport', // tagged
      'Report', // unreachable
    ]);
    expect(contract.apiSchemaSdl).toMatch(/type Product \{\s+id: ID!\s+name: String!\s+\}/);
    expect(contract.apiSchemaSdl).not.toMatch(/Badge|Banner|Report|Promo|margin/);
    // The planner still sees everything: hidden elements are marked, not deleted.
    expect(contract.supergraphSdl).toMatch(/margin: Float[^\n]*@inaccessible/);
  });

  test('excluding nothing leaves the API schema whole', () => {
    const contract = applyContract(supergraph, { excludeTags: [] });
    expect(contract.hidden).toEqual([]);
    expect(contract.apiSchemaSdl).toMatch(/margin: Float/);
  });

  test('the API schema defines @defer as the BFFs serve it (not @stream, which they do not answer), so a deferred operation validates', () => {
    const api = buildSchema(applyContract(supergraph, { excludeTags: [] }).apiSchemaSdl);
    expect(api.getDirective('defer')?.locations).toEqual(['FRAGMENT_SPREAD', 'INLINE_FRAGMENT']);
    expect(api.getDirective('stream')).toBeUndefined();
    expect(validate(api, parse('{ product { name ... @defer(label: "slow") { margin } } }'))).toEqual([]);
  });

  test('refuses a contract that hides every query field', () => {
    const bare = supergraphOf(['only', 'type Query { a: Int @tag(name: "internal") }']);
    expect(() => applyContract(bare, { excludeTags: ['internal'] })).toThrow('The contract hides every field of Query.');
  });
});

describe('the domain supergraph under each client contract', () => {
  const composed = composeSupergraph(loadSubgraphSources(readRoverConfig(resolve(__dirname, '..', '..', 'rover.yaml')).subgraphs));
  if (!composed.ok) throw new Error('composition failed');

  test('web sees large-screen fields, never mobile-only or internal ones', () => {
    const web = applyContract(composed.supergraphSdl, { excludeTags: ['internal', 'mobile-only'] });
    expect(web.apiSchemaSdl).toContain('richDescription');
    expect(web.hidden).toEqual(['CacheControlScope', 'Product.thumbnailUrl', 'User.email']);
  });

  test('mobile sees compact fields, never web-only or internal ones', () => {
    const mobile = applyContract(composed.supergraphSdl, { excludeTags: ['internal', 'web-only'] });
    expect(mobile.apiSchemaSdl).toContain('thumbnailUrl');
    expect(mobile.hidden).toEqual(['CacheControlScope', 'Product.richDescription', 'User.email']);
  });
});
