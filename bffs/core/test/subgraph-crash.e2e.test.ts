import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';
import { DEVELOPMENT_GATEWAY_SECRET, ErrorCode, REPO_ROOT, freePort } from '@bff/platform';
import { startTsProcess, type TestProcess } from '@bff/platform/testing';
import type { PersistedQueryManifest } from '@bff/formats';
import { bearer, startTestStack, withFetchPolicy, type TestBff, type TestStack } from './support/test-stack';

const manifest = JSON.parse(readFileSync(resolve(REPO_ROOT, 'clients/mobile/releases/1.0.0.json'), 'utf8')) as PersistedQueryManifest;
const persisted = (name: string) => ({ persistedQuery: { version: 1, sha256Hash: manifest.operations.find((op) => op.name === name)!.id } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Outcome = 'ok' | 'partial' | 'bad';
interface Sample {
  /** When the request was sent and when its answer was in. */
  sent: number;
  answered: number;
  bff: 'web' | 'mobile';
  touchesReviews: boolean;
  outcome: Outcome;
  detail?: string;
}


/**
 * The reviews subgraph runs as its own process (embedded PGlite in a fresh directory); the
 * other four run in the test's process. Both BFFs take a steady, bounded load of queries
 * that need reviews and queries that do not, while reviews is killed with SIGKILL and then
 * started again on the same port and data.
 */
describe('killing a subgraph process under load on both BFFs', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crash-e2e-'));
  let port: number;
  let reviews: TestProcess | undefined;
  let stack: TestStack;
  let web: TestBff;
  let mobile: TestBff;

  const startReviews = async () => {
    reviews = startTsProcess('subgraphs/reviews/src/index.ts', { PORT: String(port), DATA_DIR: dataDir, GATEWAY_SECRET: DEVELOPMENT_GATEWAY_SECRET });
    await reviews.waitFor(/ready at/, 120_000);
  };

  beforeAll(async () => {
    port = await freePort();
    await startReviews();
    stack = await startTestStack();
    const subgraphUrls = { ...stack.subgraphUrls, reviews: `http://127.0.0.1:${port}/graphql` };
    web = await stack.bff(withFetchPolicy(webBff, { breakerOpenMs: 500 }), 'production', { subgraphUrls });
    mobile = await stack.bff(withFetchPolicy(mobileBff, { breakerOpenMs: 500 }), 'production', { subgraphUrls });
    signedIn = await bearer('u-003');
  });
  afterAll(async () => {
    reviews?.child.kill('SIGKILL');
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A query that needs reviews and one that does not, on each BFF (mobile: persisted GETs, as the app sends them). */
  let signedIn: Record<string, string>;
  const requests: { bff: 'web' | 'mobile'; touchesReviews: boolean; send: () => Promise<{ status: number; body: any }> }[] = [
    { bff: 'web', touchesReviews: true, send: () => web.post({ query: '{ products(first: 5) { nodes { name ratingSummary { average } } } }' }) },
    { bff: 'web', touchesReviews: false, send: () => web.post({ query: '{ products(first: 5) { nodes { name inStock price { formatted } } } }' }) },
    { bff: 'mobile', touchesReviews: true, send: () => mobile.get({ variables: { first: 5 }, extensions: persisted('MobileFeed') }) },
    { bff: 'mobile', touchesReviews: false, send: () => mobile.get({ extensions: persisted('Me') }, signedIn) },
  ];

  const classify = (touchesReviews: boolean, response: { status: number; body: any }): { outcome: Outcome; detail?: string } => {
    const text = JSON.stringify(response.body);
    if (response.status !== 200 || /stacktrace|node_modules|\.ts:\d/.test(text)) return { outcome: 'bad', detail: `${response.status} ${text.slice(0, 300)}` };
    if (!response.body.errors) return response.body.data ? { outcome: 'ok' } : { outcome: 'bad', detail: text.slice(0, 300) };
    const onlyUnavailable = response.body.errors.every((e: any) => e.extensions?.code === ErrorCode.SUBGRAPH_UNAVAILABLE && Array.isArray(e.path));
    const dataKept = response.body.data?.products?.nodes?.length > 0 && response.body.data.products.nodes.every((n: any) => n.name ?? n.card?.title);
    if (touchesReviews && onlyUnavailable && dataKept) return { outcome: 'partial' };
    return { outcome: 'bad', detail: text.slice(0, 300) };
  };

  test('BFFs stay up; unaffected queries keep succeeding; affected ones degrade to partial data; all recovers', async () => {
    const samples: Sample[] = [];
    let running = true;
    const MAX_REQUESTS = 6_000; // bound on the load, whatever the timing
    const worker = async (index: number) => {
      for (let i = index; running && samples.length < MAX_REQUESTS; i += 1) {
        const request = requests[i % requests.length]!;
        const sent = Date.now();
        let result: { outcome: Outcome; detail?: string };
        try {
          result = classify(request.touchesReviews, await request.send());
        } catch (error) {
          result = { outcome: 'bad', detail: String(error) };
        }
        samples.push({ sent, answered: Date.now(), bff: request.bff, touchesReviews: request.touchesReviews, ...result });
      }
    };
    const workers = Array.from({ length: 6 }, (_, i) => worker(i));
    /** Requests sent at or after `from` and answered before `to`. */
    const phase = (from: number, to: number) => samples.filter((s) => s.sent >= from && s.answered < to);
    const count = (list: Sample[], predicate: (s: Sample) => boolean) => list.filter(predicate).length;
    // Each phase lasts until enough requests of each kind have been answered in it, however
    // busy the machine is; the deadline only stops a test whose BFFs stopped answering.
    const until = async (enough: () => boolean, what: string) => {
      for (const deadline = Date.now() + 90_000; !enough(); await sleep(100)) {
        if (Date.now() > deadline || samples.length >= MAX_REQUESTS) {
          running = false; // the load stops with the test
          throw new Error(`not enough answered requests ${what}: ${JSON.stringify(kinds(samples))} in all`);
        }
      }
    };
    const kinds = (list: Sample[]) => ({ affected: count(list, (s) => s.touchesReviews), unaffected: count(list, (s) => !s.touchesReviews) });

    // Healthy.
    const t0 = Date.now();
    await until(() => phase(t0, Date.now()).length > 20, 'while healthy');
    // Down: SIGKILL, no goodbye.
    const tKill = Date.now();
    reviews!.child.kill('SIGKILL');
    await reviews!.exited;
    await until(() => {
      const { affected, unaffected } = kinds(phase(tKill + 300, Date.now()));
      return affected > 20 && unaffected > 20;
    }, 'while reviews is down');
    // Back: same port, same data directory.
    const tRestart = Date.now();
    await startReviews();
    const tBack = Date.now();
    // Recovered once every kind of request is clean again, on both BFFs.
    let tRecovered = 0;
    for (const deadline = Date.now() + 90_000; !tRecovered && Date.now() < deadline; ) {
      await sleep(200);
      const recent = phase(Date.now() - 600, Date.now());
      if (recent.length >= 8 && recent.every((s) => s.outcome === 'ok')) tRecovered = Date.now();
    }
    if (tRecovered) await until(() => new Set(phase(tRecovered, Date.now()).map((s) => s.bff)).size === 2 && phase(tRecovered, Date.now()).length >= 8, 'after recovery');
    running = false;
    await Promise.all(workers);
    const tEnd = Date.now();

    const healthy = phase(t0, tKill);
    const down = phase(tKill + 300, tRestart); // the first moments: requests already on their way
    const after = phase(tRecovered, tEnd);
    const report = {
      requests: samples.length,
      healthy: { total: healthy.length, ok: count(healthy, (s) => s.outcome === 'ok') },
      down: {
        total: down.length,
        unaffectedOk: count(down, (s) => !s.touchesReviews && s.outcome === 'ok'),
        unaffected: count(down, (s) => !s.touchesReviews),
        affectedPartial: count(down, (s) => s.touchesReviews && s.outcome === 'partial'),
        affected: count(down, (s) => s.touchesReviews),
      },
      restartMs: tBack - tRestart,
      recoveredAfterRestartMs: tRecovered ? tRecovered - tBack : 'never',
      after: { total: after.length, ok: count(after, (s) => s.outcome === 'ok') },
      bad: samples.filter((s) => s.outcome === 'bad').slice(0, 5),
    };
    console.log(`subgraph crash under load: ${JSON.stringify(report, null, 2)}`);

    expect(report.bad).toEqual([]);
    expect(healthy.length).toBeGreaterThan(20);
    expect(report.healthy.ok).toBe(healthy.length);
    // While reviews is dead: everything that does not need it succeeds in full, on both BFFs …
    expect(report.down.unaffected).toBeGreaterThan(20);
    expect(report.down.unaffectedOk).toBe(report.down.unaffected);
    expect(new Set(down.filter((s) => !s.touchesReviews).map((s) => s.bff))).toEqual(new Set(['web', 'mobile']));
    // … and what needs it is partial data with SUBGRAPH_UNAVAILABLE at the affected paths.
    expect(report.down.affected).toBeGreaterThan(20);
    expect(report.down.affectedPartial).toBe(report.down.affected);
    // Back in full once reviews is.
    expect(tRecovered).toBeGreaterThan(0);
    expect(report.after.ok).toBe(after.length);
    expect(new Set(after.map((s) => s.bff))).toEqual(new Set(['web', 'mobile']));
    for (const bff of [web, mobile]) expect((await fetch(bff.url.replace(/graphql$/, 'health/live'))).status).toBe(200);
  });
});
