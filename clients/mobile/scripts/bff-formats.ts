import { createRequire } from 'node:module';

/**
 * @bff/formats for these scripts. The app's package is an ES module package, and
 * @bff/formats is CommonJS TypeScript (run by tsx) whose `export *` an ES module cannot
 * import by name; required, it is the whole module, typed as itself.
 */
const formats = createRequire(import.meta.url)('@bff/formats') as typeof import('@bff/formats');

export const { clientFiles, readManifest, readPolicyOf } = formats;
export type { PersistedQueryManifest } from '@bff/formats';
