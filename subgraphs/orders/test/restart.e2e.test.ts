import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dataset } from '@subgraphs/kit';
import { DEVELOPMENT_GATEWAY_SECRET, GATEWAY_CREDENTIAL_HEADER, REPO_ROOT, freePort } from '@bff/platform';
import { inventorySubgraph } from '@subgraphs/inventory';
import { asUser, startTestSubgraph, type TestSubgraph } from '@subgraphs/kit/testing';
import { startTsProcess } from '@bff/platform/testing';

const ENTRY = 'subgraphs/orders/src/index.ts';
const BUYER = asUser('u-020', ['orders:read', 'orders:write']);

/** The orders process on embedded storage in a data directory that outlives it. */
describe('orders process restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'orders-restart-'));
  // Orders reserves stock in inventory: a real one, here in this process.
  let inventory: TestSubgraph;
  let inventoryUrl: string;
  beforeAll(async () => {
    inventory = await startTestSubgraph(inventorySubgraph, 'pglite');
    inventoryUrl = `${inventory.url}/graphql`;
  });
  afterAll(async () => {
    await inventory?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const available = async (productId: string) =>
    (await inventory.db.query<{ n: number }>('SELECT on_hand - reserved AS n FROM stock WHERE product_id = $1', [productId])).rows[0]!.n;

  const call = async (port: number, query: string, variables?: unknown) => {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [GATEWAY_CREDENTIAL_HEADER]: DEVELOPMENT_GATEWAY_SECRET, ...BUYER },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as any;
  };

  test('keeps orders placed before a restart, and does not seed twice', async () => {
    const port = await freePort();
    const stockBefore = await available('p-0007');
    const first = startTsProcess(ENTRY, { PORT: String(port), DATA_DIR: dataDir, INVENTORY_URL: inventoryUrl });
    await first.waitFor(/ready at/);
    expect(first.output()).toMatch(/seed loaded/);
    const placed = await call(port, /* GraphQL */ `mutation { placeOrder(input: { idempotencyKey: "before-restart", lines: [{ productId: "p-0007", quantity: 2 }] }) { id number } }`);
    expect(placed.errors).toBeUndefined();
    expect(await available('p-0007')).toBe(stockBefore - 2);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = startTsProcess(ENTRY, { PORT: String(port), DATA_DIR: dataDir, INVENTORY_URL: inventoryUrl });
    try {
      await second.waitFor(/ready at/);
      expect(second.output()).toMatch(/migrations applied: none pending; seed already present/);
      const { data } = await call(port, /* GraphQL */ `query ($id: ID!) { order(id: $id) { id number itemCount } }`, { id: placed.data.placeOrder.id });
      expect(data.order).toEqual({ ...placed.data.placeOrder, itemCount: 2 });
      const mine = await call(port, /* GraphQL */ `{ myOrders(first: 100) { nodes { id } } }`);
      const seeded = dataset().orders.filter((o) => o.userId === 'u-020').length;
      expect(mine.data.myOrders.nodes).toHaveLength(seeded + 1);
      // Its reservation outlived the restart too: cancelling returns the stock.
      const cancelled = await call(port, /* GraphQL */ `mutation ($id: ID!) { cancelOrder(id: $id) { status } }`, { id: placed.data.placeOrder.id });
      expect(cancelled.data.cancelOrder.status).toBe('CANCELLED');
      expect(await available('p-0007')).toBe(stockBefore);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  test('a bad INVENTORY_URL stops the process at start-up with one line naming it', async () => {
    const bad = startTsProcess(ENTRY, { PORT: String(await freePort()), DATA_DIR: 'memory://', INVENTORY_URL: 'inventory:4103' });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/configuration error: INVENTORY_URL must be an http:\/\/ or https:\/\/ URL, got protocol "inventory:"/);
  });

  test('shuts itself down when the launcher that spawned it disappears', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(REPO_ROOT, ENTRY)], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_OPTIONS: '', PORT: String(port), DATA_DIR: 'memory://' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
    while (!/ready at/.test(output)) {
      if (child.exitCode !== null) throw new Error(output);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.disconnect(); // what the OS does to the channel when the launcher is SIGKILLed
    expect(await exited).toBe(0);
    expect(output).toMatch(/launcher gone: stopping/);
  });
});
