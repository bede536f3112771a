import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';
import { ErrorCode, REPO_ROOT, parsePrometheusText, type Sample } from '@bff/platform';
import { describeWithRedis, testRedisUrl } from '@bff/platform/testing';
import { sha256Hex, type PersistedQueryManifest } from '@bff/formats';
import { clientOperation } from '@bff/schema';
import { sharedApqStore } from '../src/persisted/redis-apq-store';
import { connectRedis, type RedisConnection } from '../src/shared-state/redis-connection';
import { SERVED_BY_HEADER, startRoundRobin, type RoundRobin } from './support/round-robin';
import { startTestStack, type TestBff, type TestStack } from './support/test-stack';

/**
 * Replicas on one machine: two web BFFs and two mobile BFFs over one stack of subgraphs, each
 * replica with its own Redis connection (as separate processes or pods would have), and a
 * round-robin in front of each pair. Everything is sent through the balancer, so no request
 * chooses its replica, and the pair must answer as one service: APQ registered on one replica
 * is served by both, persisted queries answer alike, and the replicas' metrics add up.
 */

/** Distinctive per run: only this file's requests carry it, so no other traffic can mix into the counts. */
const RUN = `${process.pid}-${Date.now()}`;
const CLIENT = { 'apollographql-client-name': `replicas-${RUN}`, 'apollographql-client-version': '9.9.9' };

const HOME_PAGE = clientOperation('web', 'HomePage');
const HOME_HASH = sha256Hex(HOME_PAGE);
const manifest = JSON.parse(readFileSync(resolve(REPO_ROOT, 'clients/mobile/releases/1.1.0.json'), 'utf8')) as PersistedQueryManifest;
const FEED_ID = manifest.operations.find((op) => op.name === 'MobileFeed')!.id;

interface Reply {
  status: number;
  /** The body as sent: "identical" below means byte for byte. */
  text: string;
  body: any;
  headers: Headers;
  /** Which replica the balancer picked (its index in the pair). */
  servedBy: number;
}

/** A GraphQL client of one balancer, identifying itself as this run's app. */
function clientOf(balancer: RoundRobin) {
  const url = `${balancer.url}/graphql`;
  const read = async (response: Response): Promise<Reply> => {
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text), headers: response.headers, servedBy: Number(response.headers.get(SERVED_BY_HEADER)) };
  };
  return {
    post: async (body: unknown) => read(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...CLIENT }, body: JSON.stringify(body) })),
    get: async (params: Record<string, unknown>) => {
      const search = new URLSearchParams();
      for (const [name, value] of Object.entries(params)) search.set(name, typeof value === 'string' ? value : JSON.stringify(value));
      // The client-name header is also what satisfies the BFF's CSRF prevention on a GET.
      return read(await fetch(`${url}?${search}`, { headers: CLIENT }));
    },
  };
}

interface Scrape {
  text: string;
  samples: Sample[];
}

/** Each replica's own /metrics, scraped directly as Prometheus does (one target per pod), not through the balancer. */
async function scrape(replicas: readonly TestBff[]): Promise<Scrape[]> {
  return Promise.all(
    replicas.map(async (bff) => {
      const text = await (await fetch(bff.url.replace(/\/graphql$/, '/metrics'))).text();
      return { text, samples: parsePrometheusText(text) };
    }),
  );
}

/** A sample's identity as Prometheus sees it: its name and every label (the scrape adds only `instance` and `job`). */
const seriesKey = (s: Sample) => `${s.name}${JSON.stringify(Object.fromEntries(Object.entries(s.labels).sort(([a], [b]) => a.localeCompare(b))))}`;

/** What each series grew by between two scrapes of one replica. */
function growth(before: Sample[], after: Sample[]): Map<string, { sample: Sample; by: number }> {
  const was = new Map(before.map((s) => [seriesKey(s), s.value]));
  return new Map(after.map((s) => [seriesKey(s), { sample: s, by: s.value - (was.get(seriesKey(s)) ?? 0) }]));
}

/**
 * `sum without(instance) (increase(name[…]))` over the pair, grouped by `by` labels: each
 * replica's growth, added up per group. Only series of `filter` (e.g. this run's client).
 */
function summed(perReplica: Map<string, { sample: Sample; by: number }>[], name: string, by: string[], filter: Record<string, string> = {}): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const grown of perReplica) {
    for (const { sample, by: amount } of grown.values()) {
      if (sample.name !== name || amount === 0) continue;
      if (!Object.entries(filter).every(([k, v]) => sample.labels[k] === v)) continue;
      const group = by.map((label) => sample.labels[label] ?? '').join('|');
      sums[group] = (sums[group] ?? 0) + amount;
    }
  }
  return sums;
}

/** Metric family names with their types, from the `# TYPE` lines. */
const families = (text: string) => [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
/** For each sample name, the distinct sets of label names its series carry. */
function labelNames(samples: Sample[]): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const s of samples) (out[s.name] ??= new Set()).add(Object.keys(s.labels).sort().join(','));
  return Object.fromEntries(Object.entries(out).map(([name, sets]) => [name, [...sets].sort()]));
}

const countsSince = (balancer: RoundRobin, before: number[]) => balancer.counts().map((n, i) => n - before[i]!);

describeWithRedis('two replicas of each BFF behind a round-robin behave as one service', () => {
  const prefix = `test:replicas:${RUN}:`;
  let stack: TestStack;
  const connections: RedisConnection[] = [];
  const web = { replicas: [] as TestBff[], balancer: undefined as unknown as RoundRobin };
  const mobile = { replicas: [] as TestBff[], balancer: undefined as unknown as RoundRobin };
  let webClient: ReturnType<typeof clientOf>;
  let mobileClient: ReturnType<typeof clientOf>;

  beforeAll(async () => {
    stack = await startTestStack();
    for (const [pair, definition, client] of [[web, webBff, 'web'], [mobile, mobileBff, 'mobile']] as const) {
      for (let i = 0; i < 2; i++) {
        // Its own connection per replica, as its own process would have.
        const connection = await connectRedis(testRedisUrl());
        connections.push(connection);
        // Under CI a missing Redis must fail here, loudly, not show up later as a miss.
        expect(await connection.redis.ping()).toBe('PONG');
        const apqStore = sharedApqStore(connection.redis, client, { prefix: `${prefix}${client}:apq:` });
        pair.replicas.push(await stack.bff(definition, 'production', { apqStore }));
      }
      pair.balancer = await startRoundRobin(pair.replicas.map((bff) => bff.url));
    }
    webClient = clientOf(web.balancer);
    mobileClient = clientOf(mobile.balancer);
  });
  afterAll(async () => {
    await Promise.all([web.balancer?.close(), mobile.balancer?.close()]);
    try {
      const redis = connections[0]?.redis;
      const keys = redis ? await redis.keys(`${prefix}*`) : [];
      if (keys.length) await redis!.del(...keys);
    } finally {
      // Even when Redis is gone (CI without it), stop everything so jest can exit.
      await Promise.all(connections.map((c) => c.close()));
      await stack?.stop();
    }
  });

  // Scraped before any test sends anything through the balancers; the last test compares.
  // (The tests build on each other in order: the APQ registration, then the counts of it all.)
  const scrapesBefore: { web: Scrape[]; mobile: Scrape[] } = { web: [], mobile: [] };
  beforeAll(async () => {
    scrapesBefore.web = await scrape(web.replicas);
    scrapesBefore.mobile = await scrape(mobile.replicas);
  });
  /** Hash-only hits that each replica answered, by the balancer's account. */
  const hitsServed = { web: [0, 0], mobile: [0, 0] };

  test('APQ: registered through one replica, every hash-only request after it is a hit on both', async () => {
    const hashOnly = { operationName: 'HomePage', variables: { first: 2 }, extensions: { persistedQuery: { version: 1, sha256Hash: HOME_HASH } } };

    const miss = await webClient.post(hashOnly);
    expect(miss.status).toBe(200);
    expect(miss.body.errors[0].extensions.code).toBe(ErrorCode.PERSISTED_QUERY_NOT_FOUND);

    const counts = web.balancer.counts();
    const registered = await webClient.post({ ...hashOnly, query: HOME_PAGE });
    expect(registered.status).toBe(200);
    expect(registered.body.errors).toBeUndefined();
    expect(registered.body.data.products.nodes).toHaveLength(2);
    // The registration reached exactly one replica; the other never saw the query text.
    expect(countsSince(web.balancer, counts).sort()).toEqual([0, 1]);
    expect(await connections[0]!.redis.get(`${prefix}web:apq:${HOME_HASH}`)).toBe(HOME_PAGE);

    const before = web.balancer.counts();
    const hits: Reply[] = [];
    for (let i = 0; i < 6; i++) hits.push(await webClient.post(hashOnly));
    // Every one is a hit with the registration's very answer, wherever it landed.
    for (const hit of hits) {
      expect(hit.status).toBe(200);
      expect(hit.text).toBe(registered.text);
    }
    // Both replicas served them, alternately, and so did the one that did not take the registration.
    expect(countsSince(web.balancer, before)).toEqual([3, 3]);
    expect(hits.map((h) => h.servedBy)).toEqual([0, 1, 0, 1, 0, 1].map((i) => (i + hits[0]!.servedBy) % 2));
    expect(new Set(hits.map((h) => h.servedBy))).toContain(1 - registered.servedBy);
    for (const hit of hits) hitsServed.web[hit.servedBy]! += 1;
  });

  test('APQ: a GET with only the hash (as a CDN forwards it) is a hit on both replicas, with the same answer and cache policy', async () => {
    const params = { operationName: 'HomePage', variables: { first: 2 }, extensions: { persistedQuery: { version: 1, sha256Hash: HOME_HASH } } };
    const gets = [await webClient.get(params), await webClient.get(params)];
    expect(gets.map((g) => g.servedBy).sort()).toEqual([0, 1]);
    for (const got of gets) {
      expect(got.status).toBe(200);
      expect(got.body.errors).toBeUndefined();
      expect(got.body.data.products.nodes).toHaveLength(2);
    }
    expect(gets[1]!.text).toBe(gets[0]!.text);
    // A CDN in front of the pair caches whatever either answers: they must agree on the policy too.
    expect(gets[1]!.headers.get('cache-control')).toBe(gets[0]!.headers.get('cache-control'));
    for (const got of gets) hitsServed.web[got.servedBy]! += 1;
  });

  test('persisted queries: the manifest\'s MobileFeed by id, in both forms, answers alike on both mobile replicas', async () => {
    const before = mobile.balancer.counts();
    const feeds: Reply[] = [];
    const byDocumentId = { documentId: `sha256:${FEED_ID}`, variables: { first: 2 } };
    const byExtension = { extensions: { persistedQuery: { version: 1, sha256Hash: FEED_ID } }, variables: { first: 2 } };
    // Each form twice in a row, so with requests alternating over the pair each form reaches both.
    const forms = [byDocumentId, byDocumentId, byExtension, byExtension, byDocumentId, byDocumentId, byExtension, byExtension];
    for (const params of forms) feeds.push(await mobileClient.get(params));
    expect(countsSince(mobile.balancer, before)).toEqual([4, 4]);
    for (const feed of feeds) {
      expect(feed.status).toBe(200);
      expect(feed.body.errors).toBeUndefined();
      expect(feed.text).toBe(feeds[0]!.text);
      expect(feed.headers.get('cache-control')).toBe(feeds[0]!.headers.get('cache-control'));
    }
    expect(feeds[0]!.body.data.products.nodes).toHaveLength(2);
    for (const form of [byDocumentId, byExtension]) expect(new Set(feeds.filter((_, i) => forms[i] === form).map((f) => f.servedBy))).toEqual(new Set([0, 1]));
    for (const feed of feeds) hitsServed.mobile[feed.servedBy]! += 1;

    const unknown = [await mobileClient.get({ documentId: `sha256:${'e'.repeat(64)}` }), await mobileClient.get({ documentId: `sha256:${'e'.repeat(64)}` })];
    expect(unknown.map((u) => u.servedBy).sort()).toEqual([0, 1]);
    for (const refused of unknown) {
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0].extensions.code).toBe(ErrorCode.PERSISTED_QUERY_NOT_IN_LIST);
    }
    expect(unknown[1]!.text).toBe(unknown[0]!.text);
  });

  test('metrics: the replicas\' counts add up to exactly what was sent, each holds part, and their series line up', async () => {
    const after = { web: await scrape(web.replicas), mobile: await scrape(mobile.replicas) };
    const grown = {
      web: after.web.map((scraped, i) => growth(scrapesBefore.web[i]!.samples, scraped.samples)),
      mobile: after.mobile.map((scraped, i) => growth(scrapesBefore.mobile[i]!.samples, scraped.samples)),
    };
    const app = CLIENT['apollographql-client-name'];
    const mine = { client_name: app };
    const byOperation = ['client_name', 'operation', 'outcome', 'code'];

    // Web: the miss, the registration, six hash-only POSTs and two GETs.
    expect(summed(grown.web, 'graphql_operations_total', byOperation, mine)).toEqual({
      [`${app}|HomePage|rejected|${ErrorCode.PERSISTED_QUERY_NOT_FOUND}`]: 1,
      [`${app}|HomePage|success|`]: 1 + 6 + 2,
    });
    expect(summed(grown.web, 'graphql_operation_duration_seconds_count', ['operation', 'outcome'], mine)).toEqual({ 'HomePage|rejected': 1, 'HomePage|success': 9 });
    expect(summed(grown.web, 'bff_persisted_queries_total', ['result'])).toEqual({ miss: 1, registered: 1, hit: 8 });
    // Mobile: eight MobileFeed hits (four per form), two unknown ids.
    expect(summed(grown.mobile, 'graphql_operations_total', byOperation, mine)).toEqual({
      [`${app}|MobileFeed|success|`]: 8,
      [`${app}|__anonymous|rejected|${ErrorCode.PERSISTED_QUERY_NOT_IN_LIST}`]: 2,
    });
    expect(summed(grown.mobile, 'bff_persisted_queries_total', ['result'])).toEqual({ hit: 8, not_in_list: 2 });

    // Each replica holds its part: exactly the hits the balancer sent it, and both parts > 0.
    for (const client of ['web', 'mobile'] as const) {
      const perReplica = grown[client].map((g) => summed([g], 'bff_persisted_queries_total', ['result']).hit ?? 0);
      expect(perReplica).toEqual(hitsServed[client]);
      expect(perReplica.every((n) => n > 0)).toBe(true);
      const successes = grown[client].map((g) => Object.values(summed([g], 'graphql_operations_total', ['outcome'], { ...mine, outcome: 'success' })).reduce((a, b) => a + b, 0));
      expect(successes.every((n) => n > 0)).toBe(true);
    }

    // The series line up: same families, same label names, one `service` for the pair and no
    // label that tells the replicas apart. Prometheus adds `instance` at scrape time, so
    // `sum without(instance)` turns the pair's two series into one.
    for (const [client, service] of [['web', 'web-bff'], ['mobile', 'mobile-bff']] as const) {
      const [{ text: textA, samples: a }, { text: textB, samples: b }] = after[client] as [Scrape, Scrape];
      expect(families(textB)).toEqual(families(textA));
      const labelsA = labelNames(a);
      const labelsB = labelNames(b);
      for (const name of Object.keys(labelsA).filter((n) => n in labelsB)) expect([name, labelsB[name]]).toEqual([name, labelsA[name]]);
      for (const sample of [...a, ...b]) expect(sample.labels.service).toBe(service);
      // The request series of this run: the same label sets on both replicas for every operation both answered.
      const served = (samples: Sample[]) => new Set(samples.filter((s) => s.name === 'graphql_operations_total' && s.labels.client_name === mine.client_name && s.labels.outcome === 'success').map(seriesKey));
      expect([...served(a)]).toHaveLength(1);
      expect(served(b)).toEqual(served(a));
      expect(new Set(a.filter((s) => s.name === 'bff_persisted_queries_total' && s.labels.result === 'hit').map(seriesKey))).toEqual(
        new Set(b.filter((s) => s.name === 'bff_persisted_queries_total' && s.labels.result === 'hit').map(seriesKey)),
      );
    }
  });
});

describe('the round-robin balancer', () => {
  const servers: Server[] = [];
  const start = async (name: string): Promise<string> => {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json', 'x-upstream-name': name });
        res.end(JSON.stringify({ name, method: req.method, url: req.url, header: req.headers['x-probe'], body: Buffer.concat(chunks).toString() }));
      });
    });
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  });

  test('passes method, path, query, headers and body each way, in turn, and counts per upstream', async () => {
    const balancer = await startRoundRobin([await start('a'), await start('b')]);
    try {
      const replies = [];
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${balancer.url}/graphql?n=${i}`, { method: 'PUT', headers: { 'x-probe': `p${i}` }, body: `body ${i}` });
        replies.push({ status: response.status, upstream: response.headers.get('x-upstream-name'), servedBy: response.headers.get(SERVED_BY_HEADER), body: await response.json() });
      }
      expect(replies.map((r) => [r.status, r.upstream, r.servedBy])).toEqual([[201, 'a', '0'], [201, 'b', '1'], [201, 'a', '0']]);
      expect(replies.map((r) => r.body)).toEqual([0, 1, 2].map((i) => ({ name: i % 2 ? 'b' : 'a', method: 'PUT', url: `/graphql?n=${i}`, header: `p${i}`, body: `body ${i}` })));
      expect(balancer.counts()).toEqual([2, 1]);
    } finally {
      await balancer.close();
    }
  });

  test('answers 502 with a GraphQL error when its upstream is unreachable', async () => {
    // Port 9 (discard) on 127.0.0.1: nothing listens, the connection is refused at once.
    const balancer = await startRoundRobin([await start('up'), 'http://127.0.0.1:9']);
    try {
      expect((await fetch(`${balancer.url}/graphql`)).status).toBe(201);
      const down = await fetch(`${balancer.url}/graphql`);
      expect(down.status).toBe(502);
      expect(down.headers.get(SERVED_BY_HEADER)).toBe('1');
      const body = (await down.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]!.extensions.code).toBe('BAD_GATEWAY');
      expect(body.errors[0]!.message).toMatch(/Upstream 1 .* unreachable/);
      expect(balancer.counts()).toEqual([1, 1]);
    } finally {
      await balancer.close();
    }
  });
});
