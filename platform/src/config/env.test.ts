import { readHttpUrl } from './env';
import { readSubgraphConfig } from '@subgraphs/kit';

describe('subgraph configuration', () => {
  test('defaults: 127.0.0.1, its own port, PGlite under .data/<name>', () => {
    const config = readSubgraphConfig('catalog', 4102, {});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 4102, databaseUrl: undefined, databaseSchema: 'catalog' });
    expect(config.dataDir).toMatch(/\.data\/catalog$/);
  });

  test.each([
    [{ PORT: 'eighty' }, 'PORT must be a TCP port number between 0 and 65535, got "eighty"'],
    [{ PORT: '70000' }, 'PORT must be a TCP port number'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL must be a postgres:// or postgresql:// URL, got protocol "mysql:"'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
    [{ DATABASE_SCHEMA: 'Robert"; DROP' }, 'DATABASE_SCHEMA must be a lower-case SQL identifier'],
    [{ MAX_BODY_BYTES: '-1' }, 'MAX_BODY_BYTES must be a positive integer, got "-1"'],
  ])('%p is refused with a line naming the variable', (env, message) => {
    expect(() => readSubgraphConfig('catalog', 4102, env)).toThrow(message);
  });
});

describe('URLs of other services', () => {
  test('default, then any http(s) URL', () => {
    expect(readHttpUrl({}, 'INVENTORY_URL', 'http://127.0.0.1:4103/graphql')).toBe('http://127.0.0.1:4103/graphql');
    expect(readHttpUrl({ INVENTORY_URL: 'https://inventory.internal/graphql' }, 'INVENTORY_URL', 'http://x')).toBe('https://inventory.internal/graphql');
  });

  test.each([
    ['inventory:4103', 'INVENTORY_URL must be an http:// or https:// URL, got protocol "inventory:"'],
    ['not a url', 'INVENTORY_URL must be an http:// or https:// URL, got "not a url"'],
  ])('%p is refused with a line naming the variable', (value, message) => {
    expect(() => readHttpUrl({ INVENTORY_URL: value }, 'INVENTORY_URL', 'http://x')).toThrow(message);
  });
});
