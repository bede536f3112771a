import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT, type Database } from '@bff/platform';
import { describeEachStorage, disposeTestDatabase, openTestDatabase } from '@bff/platform/testing';
import * as store from './data/registry-store';
import { RegistryError } from './registry';
import { startTestRegistry } from './testing';

const CATALOG_SDL = readFileSync(resolve(REPO_ROOT, 'subgraphs/catalog/schema.graphql'), 'utf8');
const ANCHOR = '  "When the product was first listed."';
const withField = (sdl: string, field: string) => sdl.replace(ANCHOR, `  "${field} of the product."\n  ${field}: String\n${ANCHOR}`);

/**
 * Two registry replicas over one database, publishing at the same moment: one publish wins,
 * the other is refused with CONFLICT and told to retry, and nothing is lost or half-written.
 */
describeEachStorage('registry replicas', (backend) => {
  let db: Database;
  let replicas: Awaited<ReturnType<typeof startTestRegistry>>[];
  beforeAll(async () => {
    db = await openTestDatabase('registry_replicas', backend);
    replicas = [await startTestRegistry(db), await startTestRegistry(db)];
  });
  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.server.close();
    if (db) await disposeTestDatabase(db);
  });

  test('concurrent publishes of the same subgraph: one winner, the loser told to retry, then its retry lands on top', async () => {
    const changes = [withField(CATALOG_SDL, 'brand'), withField(CATALOG_SDL, 'model')];
    const outcomes = await Promise.allSettled(
      replicas.map((replica, i) => replica.registry.publish({ subgraph: 'catalog', sdl: changes[i]!, publishedBy: `replica-${i}` })),
    );
    const won = outcomes.findIndex((o) => o.status === 'fulfilled');
    const lost = outcomes.findIndex((o) => o.status === 'rejected');
    expect([won, lost].sort()).toEqual([0, 1]);
    const refusal = (outcomes[lost] as PromiseRejectedResult).reason as RegistryError;
    expect(refusal).toBeInstanceOf(RegistryError);
    expect({ status: refusal.status, code: refusal.code, retry: refusal.details?.retry }).toEqual({ status: 409, code: 'CONFLICT', retry: true });

    // Exactly the winner's version was written, and the client supergraphs follow it.
    const history = await store.subgraphHistory(db, 'catalog');
    expect(history.map((v) => v.version).sort()).toEqual([1, 2]);
    const latest = (await store.latestSubgraphs(db)).find((row) => row.subgraph === 'catalog')!;
    expect(latest.sdl).toBe(changes[won]);
    expect((await store.currentClientSupergraph(db, 'web'))!.supergraph_sdl).toContain(won === 0 ? 'brand' : 'model');

    // The loser checks again on top of the winner's version and lands.
    const rebased = withField(changes[won]!, won === 0 ? 'model' : 'brand');
    const retried = await replicas[lost]!.registry.publish({ subgraph: 'catalog', sdl: rebased, publishedBy: `replica-${lost}` });
    expect(retried.version).toBe(3);
    const web = (await store.currentClientSupergraph(db, 'web'))!.supergraph_sdl;
    expect(web).toContain('brand');
    expect(web).toContain('model');
  });
});
