import { DEFAULT_INVENTORY_URL, readOrdersConfig } from '../src/config';

describe('orders configuration', () => {
  test('defaults: inventory on its default port, 5 s per call', () => {
    expect(readOrdersConfig({})).toEqual({ inventoryUrl: DEFAULT_INVENTORY_URL, inventoryTimeoutMs: 5000 });
    expect(DEFAULT_INVENTORY_URL).toBe('http://127.0.0.1:4103/graphql');
  });

  test.each([
    [{ INVENTORY_URL: 'not a url' }, 'INVENTORY_URL must be an http:// or https:// URL'],
    [{ INVENTORY_TIMEOUT_MS: '0' }, 'INVENTORY_TIMEOUT_MS must be a positive integer, got "0"'],
    [{ INVENTORY_TIMEOUT_MS: '60000' }, 'INVENTORY_TIMEOUT_MS must be at most 20000'],
  ])('%p is refused with a line naming the variable', (env, message) => {
    expect(() => readOrdersConfig(env)).toThrow(message);
  });
});
