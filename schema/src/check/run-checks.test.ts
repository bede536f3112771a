import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLIENTS } from '../clients';
import { REPO_ROOT } from '@bff/platform';
import { formatReport } from './format-report';
import { runChecks } from './run-checks';

const catalogSdl = readFileSync(resolve(REPO_ROOT, 'subgraphs/catalog/schema.graphql'), 'utf8');

/** The current catalog SDL with one edit applied; fails loudly if the edit no longer applies. */
function catalogWith(from: string, to: string): string {
  if (!catalogSdl.includes(from)) throw new Error(`catalog SDL no longer contains: ${from}`);
  return catalogSdl.replace(from, to);
}

const client = (report: ReturnType<typeof runChecks>, name: string) => report.clients.find((c) => c.client === name)!;

describe('schema:check', () => {
  test('the current schema passes for every client', () => {
    expect(runChecks().outcome).toBe('passed');
  });

  test('a composition error fails the build check, with its code', () => {
    const report = runChecks({ proposed: { catalog: catalogWith('  amountCents: Int!', '  amountCents: Float!') } });
    expect(report.outcome).toBe('failed');
    for (const name of ['web', 'mobile']) {
      const check = client(report, name);
      expect(check.build.ok).toBe(false);
      expect(check.build.errors.map((e) => e.code)).toContain('FIELD_TYPE_MISMATCH');
      expect(check.build.errors[0]!.message).toMatch(/Money\.amountCents/);
    }
  });

  test('a safe change passes and is classified safe', () => {
    const report = runChecks({
      proposed: { catalog: catalogWith('  "When the product was first listed."', '  "Brand name, as printed on the box."\n  brand: String\n  "When the product was first listed."') },
    });
    expect(report.outcome).toBe('passed');
    expect(client(report, 'web').changes).toEqual([expect.objectContaining({ severity: 'safe', code: 'FIELD_ADDED', description: 'Product.brand was added.' })]);
  });

  test('a breaking change no registered operation uses passes with a warning', () => {
    const report = runChecks({ proposed: { catalog: catalogWith('  description: String!\n  "Number of products', '  description: String\n  "Number of products') } });
    expect(report.outcome).toBe('passed-with-warnings');
    const web = client(report, 'web');
    expect(web.changes).toEqual([expect.objectContaining({ severity: 'breaking', code: 'FIELD_CHANGED_KIND', description: expect.stringMatching(/^Category\.description changed type/) })]);
    expect(web.summary).toContain('1 breaking change(s), used by no registered operation (no traffic read: set REGISTRY_URL to judge them by real traffic)');
  });

  const descriptionOptional = () => catalogWith('  description: String!\n  "Number of products', '  description: String\n  "Number of products');
  const trafficOn = (coordinates: string[]) => ({
    description: 'test traffic (last 7 days)',
    forClient: (name: string) =>
      name === 'web'
        ? { windowDays: 7, operations: [{ operationId: 'a'.repeat(64), operationName: 'CategoryInfo', clientName: 'web-storefront', clientVersion: '0.9.0', requests: 1234, errors: 0, lastSeen: '2026-12-01T10:00:00.000Z', coordinates }] }
        : { windowDays: 7, operations: [] },
  });

  test('with traffic, a breaking change an operation used in the window fails, naming the operation, client and version', () => {
    const report = runChecks({ proposed: { catalog: descriptionOptional() }, traffic: trafficOn(['Query.categories', 'Category', 'Category.description']) });
    expect(report.outcome).toBe('failed');
    expect(report.traffic).toBe('test traffic (last 7 days)');
    const web = client(report, 'web');
    expect(web.changes).toEqual([expect.objectContaining({ coordinate: 'Category.description', traffic: { windowDays: 7, requests: 1234, operations: [expect.objectContaining({ operationName: 'CategoryInfo', clientVersion: '0.9.0' })] } })]);
    expect(web.summary).toContain('breaking change used in the last 7 days: Category.description changed type from String! to String. by 1,234 request(s): CategoryInfo (web-storefront 0.9.0, 1,234)');
    expect(formatReport(report)).toContain('traffic on Category.description in the last 7 days: by 1,234 request(s)');
  });

  test('with traffic, a breaking change nobody used in the window is a conditional breaking change: a warning', () => {
    const report = runChecks({ proposed: { catalog: descriptionOptional() }, traffic: trafficOn(['Query.categories', 'Category', 'Category.name']) });
    expect(report.outcome).toBe('passed-with-warnings');
    const web = client(report, 'web');
    expect(web.changes).toEqual([expect.objectContaining({ coordinate: 'Category.description', conditional: true, traffic: { windowDays: 7, requests: 0, operations: [] } })]);
    expect(web.summary).toContain('1 conditional breaking change(s): no registered operation uses them and no traffic in the last 7 days');
    expect(formatReport(report)).toMatch(/conditional breaking FIELD_CHANGED_KIND: Category\.description/);
  });

  const withoutThumbnail = () =>
    catalogWith(
      `  "Square thumbnail URL for small screens: \`size\` logical pixels at \`dpr\` device pixel ratio."
  thumbnailUrl(size: Int = 96, dpr: Int = 2): String!
    @tag(name: "mobile-only")
    @deprecated(reason: "Use \`card(dpr:) { thumbnailUrl }\` (mobile app 1.1.0 and later).")
`,
      '',
    );

  test("a breaking change that breaks one app version's persisted operation fails, naming it", () => {
    const report = runChecks({ proposed: { catalog: withoutThumbnail() } });
    expect(report.outcome).toBe('failed');
    const mobile = client(report, 'mobile');
    expect(mobile.operations.broken).toEqual([
      expect.objectContaining({ name: 'ProductDetail', appVersions: ['1.0.0'], errors: [expect.objectContaining({ fields: ['Product.thumbnailUrl'] })] }),
    ]);
    expect(mobile.summary).toContain('operation ProductDetail (app version(s) 1.0.0) breaks on Product.thumbnailUrl');
    expect(client(report, 'web').outcome).toBe('passed'); // web never saw the mobile-only field
  });

  test('a release past its support window is skipped like a retired one: the change passes', () => {
    const mobile = CLIENTS.find((c) => c.policy.name === 'mobile')!;
    const pastWindow = { ...mobile, policy: { ...mobile.policy, persistedQueries: { ...(mobile.policy.persistedQueries as any), minimumVersion: '1.1.0' } } };
    const report = runChecks({ proposed: { catalog: withoutThumbnail() }, clients: [pastWindow] });
    expect(report.outcome).toBe('passed-with-warnings');
    expect(client(report, 'mobile').operations.skipped).toEqual([{ source: 'app 1.0.0', reason: expect.stringContaining('past its support window') }]);
  });

  test('the same change passes once that app version is retired, and says the version was skipped', () => {
    const mobile = CLIENTS.find((c) => c.policy.name === 'mobile')!;
    const retired = {
      ...mobile,
      // Every supported release but 1.0.0.
      policy: {
        ...mobile.policy,
        persistedQueries: { ...(mobile.policy.persistedQueries as any), supportedAppVersions: (mobile.policy.persistedQueries as any).supportedAppVersions.filter((v: string) => v !== '1.0.0') },
      },
    };
    const report = runChecks({ proposed: { catalog: withoutThumbnail() }, clients: [retired] });
    expect(report.outcome).toBe('passed-with-warnings');
    expect(client(report, 'mobile').operations.skipped).toEqual([{ source: 'app 1.0.0', reason: "retired: not in the mobile policy's supportedAppVersions" }]);
    expect(client(report, 'mobile').operations.broken).toEqual([]);
  });

  test('removing a field that was never deprecated fails the lint', () => {
    const report = runChecks({ proposed: { catalog: catalogWith('  "Number of products listed in this category."\n  productCount: Int!\n', '') } });
    expect(report.outcome).toBe('failed');
    expect(client(report, 'web').lint).toEqual([
      expect.objectContaining({ rule: 'removal-without-deprecation', severity: 'error', coordinate: 'Category.productCount' }),
    ]);
  });

  test('lint only judges what the change adds: a new field without description or with a bad name', () => {
    const report = runChecks({ proposed: { catalog: catalogWith('  "When the product was first listed."', '  Bad_name: String\n  "When the product was first listed."') } });
    const lint = client(report, 'web').lint.map((f) => `${f.severity} ${f.rule} ${f.coordinate}`);
    expect(lint).toEqual(['error naming Product.Bad_name', 'warn field-descriptions Product.Bad_name']);
  });
});

describe('npm run schema:check (the command)', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', resolve(REPO_ROOT, 'schema/src/cli/check.ts'), ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });

  test('exits 0 when it passes, 1 when it fails, 2 when it cannot run; --json for machines', () => {
    const passed = run('--json');
    expect(passed.status).toBe(0);
    expect(JSON.parse(passed.stdout).outcome).toBe('passed');
    expect(run('--subgraph', 'catalog').status).toBe(2);
    expect(run('--subgraph', 'nope', '--sdl', 'rover.yaml').status).toBe(2);
    const failed = run('--subgraph', 'catalog', '--sdl', 'subgraphs/accounts/schema.graphql');
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/FAIL/);
  });
});
