import { decodeInstantCursor, encodeInstantCursor } from './instant-cursor';
import { decodeCursor, decodeIntCursor, encodeCursor, pageSize, toConnection } from './pagination';

describe('cursors', () => {
  test('round-trip and are bound to their list', () => {
    const cursor = encodeCursor('review', ['2026-01-01T00:00:00.000Z', 'r-1']);
    expect(decodeCursor('review', cursor, 2)).toEqual(['2026-01-01T00:00:00.000Z', 'r-1']);
    expect(() => decodeCursor('order', cursor, 2)).toThrow(/not a valid cursor/);
    expect(() => decodeCursor('review', cursor, 3)).toThrow(/not a valid cursor/);
  });

  test.each(['', 'has spaces', '%%%', 'x'.repeat(600), encodeCursor('product', ['1.5']), encodeCursor('product', ['99999999999'])])(
    'an integer cursor refuses %p with BAD_USER_INPUT',
    (cursor) => {
      try {
        decodeIntCursor('product', cursor);
        throw new Error('accepted');
      } catch (error: any) {
        expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
      }
    },
  );

  test('absent cursors start at the beginning', () => {
    expect(decodeIntCursor('product', null)).toBe(0);
    expect(decodeIntCursor('product', encodeCursor('product', [42]))).toBe(42);
  });
});

describe('pages', () => {
  test('page sizes default, and stay within 0–100', () => {
    expect(pageSize(undefined, 20)).toBe(20);
    expect(pageSize(0, 20)).toBe(0);
    expect(pageSize(100, 20)).toBe(100);
    expect(() => pageSize(101, 20)).toThrow('Argument "first" must be between 0 and 100, got 101.');
  });

  test('the row beyond the page only signals that another page exists', () => {
    const page = toConnection([1, 2, 3], 2, (n) => `c${n}`, (n) => n * 10);
    expect(page).toEqual({
      edges: [{ cursor: 'c1', node: 10 }, { cursor: 'c2', node: 20 }],
      nodes: [10, 20],
      pageInfo: { hasNextPage: true, endCursor: 'c2' },
    });
    expect(toConnection([], 5, String, (n) => n).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});

describe('instant cursors (newest-first lists)', () => {
  const cursorAt = (at: string) => encodeCursor('order', [at, 'o-1']);

  test('round-trip', () => {
    const at = new Date('2026-03-01T10:20:30.456Z');
    expect(decodeInstantCursor('order', encodeInstantCursor('order', at, 'o-1'))).toEqual({ at: at.toISOString(), id: 'o-1' });
  });

  test.each(['2026-02-30T00:00:00.000Z', '2026-13-01T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '2026-01-01', '2026-01-01T00:00:00Z'])(
    'refuse the impossible or malformed instant %p',
    (at) => {
      expect(() => decodeInstantCursor('order', cursorAt(at))).toThrow(/not a valid cursor/);
    },
  );

  test('refuse control characters hidden in a cursor', () => {
    expect(() => decodeInstantCursor('order', encodeCursor('order', ['2026-01-01T00:00:00.000Z', 'o-\u00001']))).toThrow(/not a valid cursor/);
  });
});
