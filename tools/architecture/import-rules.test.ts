import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@bff/platform';
import { checkImports, formatViolations, type Violation } from './check-imports';

/** The check over today's code with `file` changed by `edit` (nothing is written). */
function checkWith(file: string, edit: (text: string) => string, more: Record<string, string> = {}): Violation[] {
  return checkImports(REPO_ROOT, { extraFiles: { [file]: edit(readFileSync(join(REPO_ROOT, file), 'utf8')), ...more } });
}
const prepend = (line: string) => (text: string) => `${line}\n${text}`;

test('every package imports only what its layer allows, through entry points, with no circles', () => {
  const violations = checkImports(REPO_ROOT);
  expect(formatViolations(violations)).toBe('');
});

describe('the check fails on', () => {
  test('the BFF kit importing the subgraph kit', () => {
    const violations = checkWith('bffs/core/src/config.ts', prepend("import { dataset } from '@subgraphs/kit';"));
    expect(violations).toEqual([
      expect.objectContaining({ file: 'bffs/core/src/config.ts', line: 1, rule: 'forbidden-edge', message: expect.stringContaining('@bff/core may not import @subgraphs/kit') }),
    ]);
  });

  test('the schema toolchain importing the BFF kit', () => {
    const violations = checkWith('schema/src/compose.ts', prepend("import { createBffServer } from '@bff/core';"));
    expect(violations).toEqual([expect.objectContaining({ file: 'schema/src/compose.ts', rule: 'forbidden-edge' })]);
  });

  test('one BFF importing the other', () => {
    const violations = checkWith('bffs/web/src/bff.ts', prepend("import { mobileBff } from '@bff/mobile';"));
    expect(violations).toEqual([expect.objectContaining({ rule: 'forbidden-edge', message: expect.stringContaining('@bff/web may not import @bff/mobile') })]);
  });

  test("an import past another package's entry point", () => {
    const violations = checkWith('subgraphs/kit/src/run-subgraph.ts', prepend("import { ErrorCode } from '@bff/platform/src/errors';"));
    expect(violations).toEqual([expect.objectContaining({ rule: 'deep-import', message: expect.stringContaining('entry points: @bff/platform, @bff/platform/testing') })]);
  });

  test('a test reaching into another package by a relative path', () => {
    const violations = checkWith('bffs/web/test/web.test.ts', prepend("import { REPO_ROOT as root } from '../../../platform/src/paths';"));
    expect(violations).toEqual([expect.objectContaining({ file: 'bffs/web/test/web.test.ts', rule: 'relative-across-packages' })]);
  });

  test("an import along an allowed edge that the package's package.json does not declare", () => {
    const violations = checkWith('subgraphs/accounts/src/server.ts', prepend("import { money } from '@bff/formats';"));
    expect(violations).toEqual([expect.objectContaining({ rule: 'undeclared-dependency', message: expect.stringContaining('@subgraphs/accounts imports @bff/formats') })]);
  });

  test('source code importing test support', () => {
    const violations = checkWith('bffs/core/src/config.ts', prepend("import { freePort } from '@bff/platform/testing';"));
    expect(violations).toEqual([expect.objectContaining({ rule: 'testing-in-source' })]);
  });

  test('a require of a computed path, but not one inside a string', () => {
    const violations = checkWith('bffs/core/src/config.ts', (text) => `${text}\nconst policy = require(process.env.POLICY_FILE!);\nconst script = \`require(process.argv[1])\`;\n`);
    expect(violations).toEqual([expect.objectContaining({ rule: 'computed-import', line: expect.any(Number), message: expect.stringContaining('require(process') })]);
    expect(violations).toHaveLength(1);
  });

  test('files that import each other in a circle', () => {
    const violations = checkImports(REPO_ROOT, {
      extraFiles: {
        'bffs/core/src/circle-a.ts': "import { b } from './circle-b';\nexport const a = () => b;\n",
        'bffs/core/src/circle-b.ts': "import type { a } from './circle-a';\nexport const b = 1 as unknown as typeof a;\n",
      },
    });
    expect(violations).toEqual([
      expect.objectContaining({ rule: 'circle', message: expect.stringContaining('bffs/core/src/circle-a.ts -> bffs/core/src/circle-b.ts') }),
    ]);
  });
});
