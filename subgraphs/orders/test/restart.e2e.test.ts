import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dataset, DEVELOPMENT_GATEWAY_SECRET, GATEWAY_CREDENTIAL_HEADER, REPO_ROOT } from '@subgraphs/kit';
import { asUser, freePort, startTsProcess } from '@subgraphs/kit/src/testing';

const ENTRY = 'subgraphs/orders/src/index.ts';
const BUYER = asUser('u-020', ['orders:read', 'orders:write']);

/** The orders process on embedded storage in a data directory that outlives it. */
describe('orders process restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'orders-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

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
    const first = startTsProcess(ENTRY, { PORT: String(port), DATA_DIR: dataDir });
    await first.waitFor(/ready at/);
    expect(first.output()).toMatch(/seed loaded/);
    const placed = await call(port, /* GraphQL */ `mutation { placeOrder(input: { idempotencyKey: "before-restart", lines: [{ productId: "p-0007", quantity: 2 }] }) { id number } }`);
    expect(placed.errors).toBeUndefined();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = startTsProcess(ENTRY, { PORT: String(port), DATA_DIR: dataDir });
    try {
      await second.waitFor(/ready at/);
      expect(second.output()).toMatch(/migrations applied: none pending; seed already present/);
      const { data } = await call(port, /* GraphQL */ `query ($id: ID!) { order(id: $id) { id number itemCount } }`, { id: placed.data.placeOrder.id });
      expect(data.order).toEqual({ ...placed.data.placeOrder, itemCount: 2 });
      const mine = await call(port, /* GraphQL */ `{ myOrders(first: 100) { nodes { id } } }`);
      const seeded = dataset().orders.filter((o) => o.userId === 'u-020').length;
      expect(mine.data.myOrders.nodes).toHaveLength(seeded + 1);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
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
