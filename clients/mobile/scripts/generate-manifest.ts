import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { clientFiles, readManifest, type PersistedQueryManifest } from './bff-formats';

/** The config `npm run manifest` (and so the build) uses: the same documents, the same transform, the same output file. */
const CONFIG_FILE = 'persisted-query-manifest.config.json';

/**
 * The persisted-query manifest of the app's current source, made by Apollo's generator
 * exactly as the build makes the one the app looks its ids up in: what a release freezes
 * is what that build sends. Throws if the generator fails (it prints why).
 */
export function generateManifest(): PersistedQueryManifest {
  const { appDir } = clientFiles('mobile');
  const cli = createRequire(import.meta.url).resolve('@apollo/generate-persisted-query-manifest/cli.js');
  execFileSync(process.execPath, [cli, '--config', CONFIG_FILE], { cwd: appDir, stdio: ['ignore', 'ignore', 'inherit'] });
  const { output } = JSON.parse(readFileSync(join(appDir, CONFIG_FILE), 'utf8')) as { output: string };
  // Also checks that every id is the sha256 of its body, as the BFF will.
  return readManifest(join(appDir, output));
}
