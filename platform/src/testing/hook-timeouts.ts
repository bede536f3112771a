/**
 * Jest setup (`setupFilesAfterEnv`): `beforeAll` and `afterAll` hooks start and stop whole
 * stacks (subgraphs with their databases, BFFs, child processes), and an end-to-end test
 * (`*.e2e.test.ts`) starts processes itself. On a busy two-core CI machine that can take
 * minutes, far longer than a test needs, so those get five minutes while other tests keep
 * jest's `testTimeout`. Something that hangs still fails; it only does not fail for being slow.
 */
export const HOOK_TIMEOUT_MS = 300_000;
export const E2E_TEST_TIMEOUT_MS = 300_000;

for (const hook of ['beforeAll', 'afterAll'] as const) {
  const original = globalThis[hook];
  globalThis[hook] = ((fn: jest.ProvidesHookCallback, timeout?: number) => original(fn, timeout ?? HOOK_TIMEOUT_MS)) as typeof original;
}

if (/\.e2e\.test\.ts$/.test(expect.getState().testPath ?? '')) jest.setTimeout(E2E_TEST_TIMEOUT_MS);
