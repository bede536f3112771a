/**
 * Jest setup (`setupFilesAfterEnv`): `beforeAll` and `afterAll` hooks start and stop whole
 * stacks (subgraphs with their databases, BFFs, child processes). On a busy two-core CI
 * machine that can take minutes, far longer than a test needs, so hooks that name no
 * timeout get this one while tests keep jest's `testTimeout`. A hook still fails when
 * something hangs; it only does not fail for being slow.
 */
export const HOOK_TIMEOUT_MS = 300_000;

for (const hook of ['beforeAll', 'afterAll'] as const) {
  const original = globalThis[hook];
  globalThis[hook] = ((fn: jest.ProvidesHookCallback, timeout?: number) => original(fn, timeout ?? HOOK_TIMEOUT_MS)) as typeof original;
}
