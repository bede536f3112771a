import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { clientArtifacts, composeAllClients } from './clients';

/** The checked-in artifacts must be exactly what `npm run schema:compose` writes today. */
describe('per-client supergraphs and API schemas in schema/clients/', () => {
  const results = composeAllClients();

  test.each(results.map((r) => [r.client, r] as const))('%s composes and its checked-in files are up to date', (_client, result) => {
    if (!result.ok) throw new Error(result.errors.map((e) => `${e.code}: ${e.message}`).join('\n'));
    const paths = clientArtifacts(result.client);
    const stale = 'is stale: run `npm run schema:compose` and commit the result';
    const body = (path: string) => readFileSync(path, 'utf8').replace(/^#.*\n/, '').trimEnd();
    expect({ file: `${paths.supergraph} ${stale}`, content: body(paths.supergraph) }).toEqual({
      file: `${paths.supergraph} ${stale}`,
      content: result.supergraphSdl.trimEnd(),
    });
    expect({ file: `${paths.apiSchema} ${stale}`, content: body(paths.apiSchema) }).toEqual({
      file: `${paths.apiSchema} ${stale}`,
      content: result.apiSchemaSdl.trimEnd(),
    });
  });

  test("each client's API schema has its own experience types and none of the other client's", () => {
    const api = Object.fromEntries(
      results.map((r) => {
        if (!r.ok) throw new Error('composition failed');
        return [r.client, buildSchema(r.apiSchemaSdl)];
      }),
    );
    const productFields = (client: string) => Object.keys((api[client]!.getType('Product') as any).getFields());
    expect(productFields('web')).toEqual(expect.arrayContaining(['seo', 'gallery', 'richDescription']));
    expect(productFields('web')).not.toContain('card');
    expect(productFields('web')).not.toContain('thumbnailUrl');
    expect(productFields('mobile')).toEqual(expect.arrayContaining(['card', 'thumbnailUrl']));
    for (const hidden of ['seo', 'gallery', 'richDescription']) expect(productFields('mobile')).not.toContain(hidden);
    for (const client of ['web', 'mobile']) {
      expect(Object.keys((api[client]!.getType('User') as any).getFields())).not.toContain('email');
      expect(api[client]!.getType('ShippingClass')).toBeUndefined();
      // Inventory's reservation API is for orders only (@inaccessible): composed, never shown to a client.
      expect(Object.keys(api[client]!.getMutationType()!.getFields())).toEqual(expect.arrayContaining(['placeOrder', 'cancelOrder']));
      for (const field of ['reserveStock', 'releaseStock']) expect(api[client]!.getMutationType()!.getFields()[field]).toBeUndefined();
      for (const type of ['StockReservationLineInput', 'StockReservationResult', 'StockReservationStatus', 'StockShortage']) {
        expect(api[client]!.getType(type)).toBeUndefined();
      }
    }
  });
});
