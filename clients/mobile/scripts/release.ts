/**
 * Releases the mobile app's operations: `npm run mobile:release -- <version> [--by <name>]`
 * (from the repository root). Generates the persisted-query manifest of the current source,
 * freezes it as clients/mobile/releases/<version>.json (a shipped release never changes),
 * and with REGISTRY_URL set publishes it to the schema registry. Exit codes: 0 done,
 * 1 failed, 2 usage.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { clientFiles, readPolicyOf } from './bff-formats';
import { freezeRelease, releaseFile, ShippedReleaseChangedError } from './freeze-release';
import { generateManifest } from './generate-manifest';
import { invalidOperations } from './invalid-operations';
import { publishManifest, PublishError } from './publish-manifest';

const USAGE = `Usage: npm run mobile:release -- <version> [--by <name>]

  <version>   the app version being released, x.y.z (clients/mobile/package.json's version)
  --by        who publishes it (default: $USER); recorded by the registry

Freezes the operations of clients/mobile/src as clients/mobile/releases/<version>.json.
With REGISTRY_URL set, also publishes them to the schema registry, authorised by
REGISTRY_TOKEN.`;

const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

class UsageError extends Error {}
class ReleaseError extends Error {}

interface Request {
  version: string;
  registry?: { url: string; token: string; publishedBy: string };
}

function readRequest(argv: string[]): Request {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { by: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) throw new UsageError('');
  const [version, ...extra] = parsed.positionals;
  if (!version) throw new UsageError('Which version? Give it as x.y.z, e.g. 1.2.0.');
  if (extra.length > 0) throw new UsageError(`One version at a time; also got: ${extra.join(' ')}.`);
  if (!VERSION.test(version)) throw new UsageError(`"${version}" is not a version: give it as x.y.z, e.g. 1.2.0.`);
  const url = process.env['REGISTRY_URL'];
  if (!url) return { version };
  const publishedBy = parsed.values.by ?? process.env['USER'];
  if (!publishedBy) throw new UsageError('Publishing needs a name: pass --by <name> (or set USER).');
  const token = process.env['REGISTRY_TOKEN'];
  if (!token) throw new ReleaseError('REGISTRY_URL is set but REGISTRY_TOKEN is not: the registry accepts writes only with its token.');
  return { version, registry: { url, token, publishedBy } };
}

async function release({ version, registry }: Request): Promise<void> {
  const { appDir } = clientFiles('mobile');
  const appVersion = (JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as { version: string }).version;
  if (appVersion !== version) {
    throw new ReleaseError(`clients/mobile/package.json says ${appVersion}: the build reports that version to the BFF, so release ${appVersion}, or set the version to ${version} first.`);
  }

  const manifest = generateManifest();
  console.log(`Generated the manifest of clients/mobile/src: ${manifest.operations.length} operations (${manifest.operations.map((op) => op.name).join(', ')}).`);
  const invalid = invalidOperations(manifest);
  if (invalid.length > 0) throw new ReleaseError(`Operations that do not validate against the mobile API schema:\n  ${invalid.join('\n  ')}`);

  const file = relative(process.cwd(), releaseFile(version));
  const frozen = freezeRelease(version, manifest);
  console.log(frozen === 'written' ? `Froze release ${version} as ${file}.` : `${file} is up to date: release ${version} has these operations.`);

  if (registry) {
    await publishManifest({ registryUrl: registry.url, token: registry.token, version, manifest, publishedBy: registry.publishedBy });
    console.log(`Published mobile ${version} to the registry at ${registry.url} (by ${registry.publishedBy}).`);
  } else {
    console.log('REGISTRY_URL is not set: not published to a registry.');
  }

  const policy = readPolicyOf('mobile').persistedQueries;
  if (policy.mode === 'safelist' && !policy.supportedAppVersions.includes(version)) {
    console.log(
      `\nReminder: the mobile BFF serves only the supported app versions' operations. Add '${version}' to persistedQueries.supportedAppVersions in bffs/mobile/policy.yaml (now: ${policy.supportedAppVersions.join(', ')}) before this version ships.`,
    );
  }
}

async function main(argv: string[]): Promise<number> {
  try {
    await release(readRequest(argv));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) console.error(`${error.message}\n`);
      console.error(USAGE);
      return 2;
    }
    if (error instanceof ShippedReleaseChangedError) {
      console.error(
        `Refusing to change release ${error.version}: ${relative(process.cwd(), releaseFile(error.version))} was frozen with other operations than the source has now:\n  ${error.differences.join('\n  ')}\nA shipped release never changes: apps out there send exactly its operations. Release this source as a new version.`,
      );
      return 1;
    }
    if (error instanceof ReleaseError || error instanceof PublishError) {
      console.error(`Release failed: ${error.message}`);
      return 1;
    }
    console.error('Release failed:', error);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
