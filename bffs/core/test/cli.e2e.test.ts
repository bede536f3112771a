import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeSupergraph } from '@bff/schema';
import { apolloLifecycle, apolloRequestHandler, createGraphQLHttpServer, type ApolloLifecycle, freePort } from '@bff/platform';
import { startTsProcess, type TestProcess } from '@bff/platform/testing';
import { parse } from 'graphql';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const PLANETS = `${LINK} type Query { planets: [Planet!]! } type Planet @key(fields: "id") { id: ID! name: String! }`;
const MOONS = `${LINK} type Planet @key(fields: "id") { id: ID! moons: [String!]! }`;

/** A foreign subgraph, served the plainest way: Apollo Server over node:http. */
async function serveSubgraph(sdl: string, resolvers: Record<string, any>): Promise<{ url: string; server: ApolloLifecycle }> {
  const apollo = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs: parse(sdl), resolvers }), plugins: [ApolloServerPluginInlineTraceDisabled()] });
  const http = createGraphQLHttpServer({ handle: apolloRequestHandler(apollo, async () => ({})), maxBodyBytes: 1 << 20, isReady: async () => true });
  const server = apolloLifecycle(apollo, http);
  return { url: `${await server.listen(0, '127.0.0.1')}/graphql`, server };
}

/** `npm run bff -- --supergraph …` over a supergraph that is not ours: no experience subgraph, no contract. */
describe('npm run bff over a foreign supergraph', () => {
  const dir = mkdtempSync(join(tmpdir(), 'foreign-supergraph-'));
  const servers: ApolloLifecycle[] = [];
  let bff: TestProcess;
  let port: number;

  beforeAll(async () => {
    const planets = await serveSubgraph(PLANETS, {
      Query: { planets: () => [{ id: 'p1', name: 'Jupiter' }, { id: 'p2', name: 'Mars' }] },
      Planet: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, name: ref.id === 'p1' ? 'Jupiter' : 'Mars' }) },
    });
    const moons = await serveSubgraph(MOONS, {
      Planet: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, moons: ref.id === 'p1' ? ['Io', 'Europa'] : ['Phobos'] }) },
    });
    servers.push(planets.server, moons.server);
    const composed = composeSupergraph([
      { name: 'planets', url: planets.url, sdl: PLANETS },
      { name: 'moons', url: moons.url, sdl: MOONS },
    ]);
    if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
    const file = join(dir, 'supergraph.graphql');
    writeFileSync(file, composed.supergraphSdl);
    port = await freePort();
    bff = startCli(['--supergraph', file, '--port', String(port)]);
    await bff.waitFor(/ready at/);
  });

  afterAll(async () => {
    bff?.child.kill('SIGTERM');
    await bff?.exited;
    for (const server of servers) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('plans across the foreign subgraphs and answers', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: /* GraphQL */ `{ planets { name moons } }` }),
    });
    expect(await response.json()).toEqual({ data: { planets: [{ name: 'Jupiter', moons: ['Io', 'Europa'] }, { name: 'Mars', moons: ['Phobos'] }] } });
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
  });

  test('refuses bad arguments with one clear line and exit code 2', async () => {
    const missing = startCli([]);
    expect(await missing.exited).toBe(2);
    expect(missing.output()).toMatch(/--supergraph is required/);
    const nowhere = startCli(['--supergraph', join(dir, 'nope.graphql')]);
    expect(await nowhere.exited).toBe(2);
    expect(nowhere.output()).toMatch(/no such file/);
  });
});

function startCli(args: string[]): TestProcess {
  return startTsProcess('bffs/core/src/cli/bff.ts', {}, args);
}
