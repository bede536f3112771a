import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanEnvReads, type ServiceEnvReads } from './env-reads';

/**
 * The scanner on a small made-up code base: what runs is charged, what does not run is not,
 * and every way of reading a variable the real code uses (and a few it might) is found.
 * This is what makes "a variable added later fails the manifest test" hold.
 */

const ENV = 'Record<string, string | undefined>';
const FILES: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, target: 'es2022', module: 'commonjs', types: [] } }),
  'process.ts': `export const process: { env: ${ENV} } = { env: {} };`,
  'env.ts': `
    export function readString(env: ${ENV}, name: string, fallback: string): string {
      const value = env[name];
      return value === undefined ? fallback : value;
    }
    export function readThrough(env: ${ENV}, name: string): string {
      return readString(env, name, 'x');
    }`,
  'config.ts': `
    import { readString, readThrough } from './env';
    export const TIMEOUT_VARIABLE = 'TIMEOUT_MS';
    export function readConfig(env: ${ENV}) {
      return {
        host: readString(env, 'HOST', '127.0.0.1'),
        timeout: readString(env, TIMEOUT_VARIABLE, '5'),
        mode: env.NODE_ENV,
        level: env['LOG_LEVEL'],
        through: readThrough(env, 'THROUGH_A_HELPER'),
        named: takesAName('subgraph', env),
      };
    }
    /** Has env and name parameters, but name is not a variable's name. */
    export function takesAName(name: string, env: ${ENV}) {
      return name + env.READ_BESIDE_A_NAME;
    }
    export function neverCalled(env: ${ENV}) {
      return env.NEVER_READ;
    }`,
  'routes.ts': `
    export function routes(env: ${ENV}) {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(env)) {
        const match = /^ROUTE_([A-Z]+)$/.exec(name);
        if (match && value) out[match[1]!] = value;
      }
      return out;
    }`,
  'imported-for-effect.ts': `
    import { process } from './process';
    export const AT_LOAD = process.env.READ_AT_IMPORT;`,
  'type-only.ts': `
    import { process } from './process';
    export interface Shape { a: string }
    export const NOT_LOADED = process.env.READ_BY_A_TYPE_ONLY_IMPORT;`,
  'not-imported.ts': `
    import { process } from './process';
    export const NOT_LOADED = process.env.READ_BY_NOBODY;`,
  'main.ts': `
    import { process } from './process';
    import { readConfig } from './config';
    import { routes } from './routes';
    import './imported-for-effect';
    import type { Shape } from './type-only';
    const { DESTRUCTURED } = process.env;
    const computed = String(Date.now());
    const shape: Shape = { a: String(process.env[computed]) };
    console.log(readConfig(process.env), routes(process.env), DESTRUCTURED, shape);`,
};

let scan: ServiceEnvReads;
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'env-reads-'));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(root, name), text);
  scan = scanEnvReads(root, ['main.ts']).get('main.ts')!;
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

it('finds the variables read by code that runs, however they are read', () => {
  expect(scan.reads.map((r) => r.name).sort()).toEqual(
    ['DESTRUCTURED', 'HOST', 'LOG_LEVEL', 'NODE_ENV', 'READ_AT_IMPORT', 'READ_BESIDE_A_NAME', 'THROUGH_A_HELPER', 'TIMEOUT_MS'].sort(),
  );
});

it('says where each read is', () => {
  expect(scan.reads.find((r) => r.name === 'HOST')?.at).toBe('config.ts:6');
});

it('reports a family read by pattern, with its prefix', () => {
  expect(scan.families.map((f) => f.prefix)).toEqual(['ROUTE_']);
});

it('reports a read whose name it cannot work out', () => {
  expect(scan.dynamic.map((d) => d.expression)).toEqual(['process.env[computed]']);
});

it('does not charge functions nobody calls, modules nobody imports, or type-only imports', () => {
  const names = scan.reads.map((r) => r.name);
  expect(names).not.toContain('NEVER_READ');
  expect(names).not.toContain('READ_BY_NOBODY');
  expect(names).not.toContain('READ_BY_A_TYPE_ONLY_IMPORT');
  expect(scan.modules).not.toContain('type-only.ts');
});
