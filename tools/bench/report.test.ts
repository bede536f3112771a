import { quantile, type LoadResult } from './load';
import { formatOverhead, formatReport, renderTable, stackRss, withRatios, type BenchReport, type CellResult, type OverheadResult, type RssEntry } from './report';
import { firstDifference, replyProblems } from './verify';

const load = (rps: number): LoadResult => ({ rps, requests: rps * 10, p50: 10, p95: 20, p99: 30, responseWireBytes: 1000, non2xx: 0, errors: 0, timeouts: 0, totals: { answered: rps * 10, non2xx: 0, sent: rps * 10, errors: 0, timeouts: 0 } });
const cell = (operationId: string, target: string, rps?: number): CellResult => ({
  operationId,
  operation: operationId,
  target,
  requestBytes: 100,
  requestLineBytes: 22,
  responseBytes: 500,
  fetchesPerRequest: 3,
  sqlPerRequest: 4,
  ...(rps === undefined ? { problem: 'WRONG REPLY: HTTP 500' } : { load: load(rps) }),
});

describe('withRatios', () => {
  it('divides each req/s by the baseline of the same operation', () => {
    const rated = withRatios([cell('a', 'apollo-gateway', 100), cell('a', 'web-bff', 150), cell('b', 'apollo-gateway', 40), cell('b', 'web-bff', 10)]);
    expect(rated.map((r) => [r.operationId, r.target, r.ratio])).toEqual([
      ['a', 'apollo-gateway', 1],
      ['a', 'web-bff', 1.5],
      ['b', 'apollo-gateway', 1],
      ['b', 'web-bff', 0.25],
    ]);
  });

  it('has no ratio for a cell that ran a different operation (a caveat)', () => {
    const rated = withRatios([cell('a', 'apollo-gateway', 100), { ...cell('a', 'hive-gateway', 700), caveat: 'domain supergraph' }]);
    expect(rated.map((r) => r.ratio)).toEqual([1, undefined]);
  });

  it('has no ratio without a measured baseline, or for an unmeasured cell', () => {
    const rated = withRatios([cell('a', 'apollo-gateway'), cell('a', 'web-bff', 150), cell('b', 'apollo-gateway', 50), cell('b', 'hive-gateway')]);
    expect(rated.map((r) => r.ratio)).toEqual([undefined, undefined, 1, undefined]);
  });
});

describe('stackRss', () => {
  const entry = (name: string, kind: RssEntry['kind'], rssKiB: number): RssEntry => ({ name, kind, rssKiB, treeRssKiB: rssKiB });
  it('sums the subgraphs and both BFFs, not the anchors', () => {
    expect(stackRss([entry('a', 'subgraph', 10), entry('b', 'subgraph', 20), entry('web', 'bff', 5), entry('mobile', 'bff', 7), entry('apollo', 'anchor', 1000)], 2)).toBe(42);
  });
  it('is unknown when a part was not measured', () => {
    expect(stackRss([entry('a', 'subgraph', 10), entry('web', 'bff', 5), entry('mobile', 'bff', 7)], 2)).toBeUndefined();
  });
});

describe('quantile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([quantile(values, 0.5), quantile(values, 0.95), quantile(values, 0.99), quantile(values, 1)]).toEqual([50, 95, 99, 100]);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('renderTable', () => {
  it('right-aligns numbers, pads text, and draws a rule under the header', () => {
    expect(renderTable(['name', 'n'], [['ab', '5'], ['c', '123']], [false, true]).split('\n')).toEqual(['name    n', '----  ---', 'ab      5', 'c     123']);
  });
});

describe('formatReport', () => {
  const report: BenchReport = {
    version: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    settings: { quick: true, connections: 20, warmupSeconds: 1, durationSeconds: 2, countingRequests: 3 },
    environment: { node: 'v20', cpus: 2, loadAverageAtStart: [1, 1, 1], host: 'h' },
    targets: [],
    results: withRatios([cell('op', 'web-bff', 150), { ...cell('op', 'apollo-gateway', 100), experienceFetchesPerRequest: 1 }, cell('op', 'hive-gateway'), { ...cell('op2', 'hive-gateway', 80), caveat: 'domain supergraph: without Product.card (see notes)' }]),
    listSizes: [
      { operationId: 'op', operation: 'op', target: 'web-bff', sizes: [{ first: 5, fetchesPerRequest: 2, sqlPerRequest: 3 }, { first: 50, fetchesPerRequest: 2, sqlPerRequest: 3.5 }] },
      { operationId: 'op', operation: 'op', target: 'apollo-gateway', sizes: [{ first: 5, fetchesPerRequest: 2, experienceFetchesPerRequest: 1, sqlPerRequest: 3 }, { first: 50, fetchesPerRequest: 2, experienceFetchesPerRequest: 1, sqlPerRequest: 3 }] },
    ],
    overhead: [],
    rss: [{ name: 'web-bff', kind: 'bff', rssKiB: 200 * 1024, treeRssKiB: 210 * 1024 }],
    notes: ['a note'],
    skipped: ['hive-gateway: not installed'],
  };
  const text = formatReport(report);

  it('prints ratios, names each operation once, and flags an unmeasured cell', () => {
    const rows = text.split('\n').filter((line) => /(web-bff|apollo-gateway|hive-gateway)\s/.test(line) && !line.includes('MiB'));
    expect(rows[0]).toMatch(/^op\s+web-bff\s+150\s+1\.50x\s+10\.0\s+20\.0\s+30\.0\s+500\s+100\s+3\s+4$/);
    expect(rows[1]).toMatch(/^\s+apollo-gateway\s+100\s+1\.00x\s+10\.0\s+20\.0\s+30\.0\s+500\s+100\s+3\+1\s+4$/);
    expect(rows[2]).toMatch(/^\s+hive-gateway\s+n\/a\s+-\s.*WRONG REPLY: HTTP 500$/);
    expect(rows[3]).toMatch(/^op2\s+hive-gateway\s+80\.0\s+-\s.*\s3\s+4\s+domain supergraph: without Product\.card \(see notes\)$/);
  });

  it('shows both list sizes, RSS in MiB, notes and what was skipped', () => {
    expect(text).toMatch(/fetches first:5\s+SQL first:5\s+fetches first:50\s+SQL first:50/);
    expect(text).toMatch(/op\s+web-bff\s+2\s+3\s+2\s+3\.5/);
    expect(text).toMatch(/op\s+apollo-gateway\s+2\+1\s+3\s+2\+1\s+3/);
    expect(text).toMatch(/web-bff\s+bff\s+200 MiB\s+210 MiB/);
    expect(text).toContain('- a note');
    expect(text).toContain('- hive-gateway: not installed');
  });
});

describe('reply checks', () => {
  const reply = (status: number, body: unknown) => ({ status, body, text: JSON.stringify(body), bytes: JSON.stringify(body).length });

  it('accepts data without errors, and refuses errors, empty data, HTTP errors and short batches', () => {
    expect(replyProblems(reply(200, { data: { product: { id: '1' } } }), 1)).toEqual([]);
    expect(replyProblems(reply(200, { data: { product: null }, errors: [{ message: 'boom', extensions: { code: 'X' } }] }), 1)).toEqual(['errors: X boom', 'no data']);
    expect(replyProblems(reply(400, { errors: [{ message: 'no' }] }), 1)).toEqual(['HTTP 400', 'errors: no', 'no data']);
    expect(replyProblems(reply(200, [{ data: { a: 1 } }]), 2)[0]).toMatch(/expected a batch of 2 results/);
    expect(replyProblems(reply(200, [{ data: { a: 1 } }, { data: { b: [] } }]), 2)).toEqual(['result 1: no data']);
  });

  it('compares without the fields only the reference has, for an anchor on the domain supergraph', () => {
    const bff = { product: { id: '1', seo: { title: 't' }, reviews: [{ id: 'r', rating: 5 }] } };
    expect(firstDifference(bff, { product: { id: '1', reviews: [{ id: 'r', rating: 5 }] } }, ['seo'])).toBeUndefined();
    expect(firstDifference(bff, { product: { id: '1', reviews: [{ id: 'r', rating: 4 }] } }, ['seo'])).toBe('.product.reviews[0].rating: 5 vs 4');
  });

  it('compares an anchor reply with the BFF reply in full, key order aside', () => {
    const bff = { product: { id: '1', seo: { title: 't' }, reviews: [{ id: 'r', rating: 5 }] } };
    expect(firstDifference(bff, { product: { reviews: [{ rating: 5, id: 'r' }], seo: { title: 't' }, id: '1' } })).toBeUndefined();
    expect(firstDifference(bff, { product: { id: '1', seo: { title: 't' }, reviews: [{ id: 'r', rating: 4 }] } })).toBe('.product.reviews[0].rating: 5 vs 4');
    expect(firstDifference(bff, { product: { id: '1', seo: { title: 't' }, reviews: [] } })).toBe('.product.reviews: 1 items vs 0');
    expect(firstDifference(bff, { product: { id: '1', reviews: [{ id: 'r', rating: 5 }] } })).toBe('.product.seo: {"title":"t"} vs missing');
  });
});

describe('formatOverhead', () => {
  const side = (target: string, p50: number) => ({ target, load: { ...load(1000), p50, p95: p50 * 2, p99: p50 * 3 }, requestBytes: 120, responseBytes: 900, fetchesPerRequest: 1, sqlPerRequest: 1 });
  const pair = (connections: number, direct: number, bff: number): OverheadResult => ({
    operationId: 'bff-overhead',
    operation: 'web Categories',
    subgraph: 'catalog',
    connections,
    direct: side('catalog (direct)', direct),
    bff: side('web-bff', bff),
    p50OverheadMs: bff - direct,
    p50TargetMs: 0.3,
  });

  it('prints the direct call, then the BFF with its p50 minus the direct one, per connection count', () => {
    const lines = formatOverhead([pair(1, 0.5, 0.75), pair(20, 4, 6)]);
    expect(lines[0]).toMatch(/^BFF overhead: web Categories .* catalog subgraph .* at most 0\.3 ms more at p50 \(under load = catalog requests per response during the load\):$/);
    const rows = lines[1]!.split('\n').slice(2);
    expect(rows[0]).toMatch(/^\s+1\s+catalog \(direct\)\s+1000\s+0\.50\s+1\.00\s+1\.50\s+900\s+120\s+1\s+-\s+1$/);
    expect(rows[1]).toMatch(/^\s+web-bff\s+1000\s+0\.75\s+.*\+0\.25 ms \(within\)$/);
    expect(rows[2]).toMatch(/^\s+20\s+catalog \(direct\)/);
    expect(rows[3]).toMatch(/web-bff .*\+2\.00 ms \(over\)$/);
  });

  it('gives no verdict against the target when the BFF deduplicated fetches under load', () => {
    const deduplicated = pair(20, 30, 5);
    deduplicated.bff.fetchesPerRequestUnderLoad = 0.12;
    deduplicated.direct.fetchesPerRequestUnderLoad = 1;
    const rows = formatOverhead([deduplicated])[1]!.split('\n').slice(2);
    expect(rows[0]).toMatch(/catalog \(direct\).*\s1\.00\s+1\s*$/);
    expect(rows[1]).toMatch(/web-bff .*\s0\.12\s+1\s+-25\.00 ms \(deduplicated\)$/);
  });

  it('shows an unmeasured side and no difference', () => {
    const broken: OverheadResult = { ...pair(1, 0.5, 0.75), bff: { target: 'web-bff', requestBytes: 120, responseBytes: 0, problem: 'did not start' } };
    delete broken.p50OverheadMs;
    const rows = formatOverhead([broken])[1]!.split('\n');
    expect(rows.at(-1)).toMatch(/web-bff\s+n\/a\s+-.*-\s+did not start$/);
  });
});
