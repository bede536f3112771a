import type { LoadResult } from './load';
import { withRatios, type BenchReport, type CellResult } from './report';
import { formatRounds, median, summariseRounds } from './rounds';

const load = (rps: number, p50 = 10): LoadResult => ({ rps, requests: rps * 10, p50, p95: 20, p99: 30, responseWireBytes: 1000, non2xx: 0, errors: 0, timeouts: 0, totals: { answered: rps * 10, non2xx: 0, sent: rps * 10, errors: 0, timeouts: 0 } });
const cell = (operation: string, target: string, rps?: number): CellResult => ({
  operationId: operation,
  operation,
  target,
  requestBytes: 100,
  requestLineBytes: 22,
  responseBytes: 500,
  ...(rps === undefined ? { problem: 'did not start' } : { load: load(rps) }),
});
const round = (cells: CellResult[], overhead: [connections: number, bff: number, hop?: number][] = []): BenchReport =>
  ({
    results: withRatios(cells),
    overhead: overhead.map(([connections, bff, hop]) => ({ connections, p50OverheadMs: bff, ...(hop === undefined ? {} : { hopP50OverheadMs: hop }) })),
  }) as unknown as BenchReport;

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
});

describe('summariseRounds', () => {
  const reports = [
    round([cell('feed', 'apollo-gateway', 100), cell('feed', 'mobile-bff', 500)], [[1, 0.9, 0.5]]),
    round([cell('feed', 'apollo-gateway', 50), cell('feed', 'mobile-bff', 400)], [[1, 0.7, 0.4]]),
    round([cell('feed', 'apollo-gateway', 80), cell('feed', 'mobile-bff')], [[1, 1.1]]),
  ];

  it('takes each ratio within its own round, then the median of the rounds that measured it', () => {
    const summary = summariseRounds(reports);
    const bff = summary.cells.find((c) => c.target === 'mobile-bff')!;
    expect(bff.rps).toEqual([500, 400]);
    expect(bff.ratios).toEqual([5, 8]);
    expect(bff.medianRatio).toBe(6.5);
    expect(summary.cells.find((c) => c.target === 'apollo-gateway')!.medianRps).toBe(80);
    expect(summary.overhead).toEqual([{ connections: 1, bffMs: [0.9, 0.7, 1.1], medianBffMs: 0.9, hopMs: [0.5, 0.4], medianHopMs: 0.45 }]);
  });

  it('prints the medians with the range of the per-round ratios', () => {
    const text = formatRounds(summariseRounds(reports));
    expect(text).toContain('Over 3 rounds');
    expect(text).toMatch(/mobile-bff\s+500 \/ 400\s+450\s+6\.50x\s+5\.00x–8\.00x/);
    expect(text).toMatch(/1\s+\+0\.90 \/ \+0\.70 \/ \+1\.10\s+\+0\.90\s+\+0\.50 \/ \+0\.40\s+\+0\.45/);
  });
});
