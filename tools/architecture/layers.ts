/**
 * The layers of the repository, lowest first, and which package may import which. The
 * import check (`npm run check:imports`, and a test in `npm test`) holds the code to this
 * table; ARCHITECTURE.md explains it.
 */
export interface PackageRule {
  /** The package's folder, from the repository root. */
  dir: string;
  /** What its source code (not its tests) may import of this repository. */
  mayImport: readonly string[];
}

const PLATFORM = '@bff/platform';
const FORMATS = '@bff/formats';
const KIT = '@subgraphs/kit';
const CORE = '@bff/core';

export const DOMAIN_SUBGRAPHS = ['accounts', 'catalog', 'inventory', 'reviews', 'orders'] as const;

/** By package name. A package that is not here is refused by the check until it is added. */
export const PACKAGES: Readonly<Record<string, PackageRule>> = {
  [PLATFORM]: { dir: 'platform', mayImport: [] },
  [FORMATS]: { dir: 'formats', mayImport: [] },
  [KIT]: { dir: 'subgraphs/kit', mayImport: [PLATFORM, FORMATS] },
  ...Object.fromEntries(
    DOMAIN_SUBGRAPHS.map((name) => [`@subgraphs/${name}`, { dir: `subgraphs/${name}`, mayImport: [KIT, PLATFORM, FORMATS] }]),
  ),
  [CORE]: { dir: 'bffs/core', mayImport: [PLATFORM, FORMATS] },
  '@bff/web': { dir: 'bffs/web', mayImport: [CORE, PLATFORM, FORMATS] },
  '@bff/mobile': { dir: 'bffs/mobile', mayImport: [CORE, PLATFORM, FORMATS] },
  '@bff/schema': { dir: 'schema', mayImport: [PLATFORM, FORMATS] },
  // The composition root: the only code that knows every service.
  '@bff/tools': {
    dir: 'tools',
    mayImport: [PLATFORM, FORMATS, KIT, CORE, '@bff/web', '@bff/mobile', '@bff/schema', ...DOMAIN_SUBGRAPHS.map((n) => `@subgraphs/${n}`)],
  },
  // The client apps meet their BFFs over HTTP and the toolchain in files (their operations
  // and manifests); of this repository they may share only its formats.
  '@clients/web': { dir: 'clients/web', mayImport: [FORMATS] },
  '@clients/mobile': { dir: 'clients/mobile', mayImport: [FORMATS] },
  // Tests of the deployment manifests; no source of its own.
  '@bff/deploy': { dir: 'deploy', mayImport: [] },
};

/**
 * Test code: test files, test folders and the `testing` entry points. Tests start whole
 * stacks, so they may import any package, but only through its entry points, like
 * everyone else.
 */
export function isTestCode(path: string): boolean {
  return /\.test\.ts$/.test(path) || /(^|\/)test\//.test(path) || /(^|\/)testing(\/|\.ts$)/.test(path);
}
