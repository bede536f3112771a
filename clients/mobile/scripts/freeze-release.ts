import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientFiles, readManifest, type PersistedQueryManifest } from './bff-formats';

/** A release's manifest file, e.g. `clients/mobile/releases/1.2.0.json`. */
export function releaseFile(version: string): string {
  return join(clientFiles('mobile').releasesDir, `${version}.json`);
}

/** The release exists with other operations: apps out there send exactly what it has. */
export class ShippedReleaseChangedError extends Error {
  constructor(
    readonly version: string,
    /** One line per operation added, removed or changed. */
    readonly differences: string[],
  ) {
    super(`release ${version} was frozen with other operations`);
  }
}

/**
 * Freezes a manifest as the release `version`: writes its file, or, when the release
 * exists, confirms it has the same operations (formatting aside) and leaves it alone. A
 * shipped release never changes: different operations are a ShippedReleaseChangedError.
 */
export function freezeRelease(version: string, manifest: PersistedQueryManifest): 'written' | 'up-to-date' {
  const file = releaseFile(version);
  if (!existsSync(file)) {
    writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
    return 'written';
  }
  const differences = operationDifferences(readManifest(file), manifest);
  if (differences.length > 0) throw new ShippedReleaseChangedError(version, differences);
  return 'up-to-date';
}

function operationDifferences(shipped: PersistedQueryManifest, current: PersistedQueryManifest): string[] {
  const idsByName = (manifest: PersistedQueryManifest) => new Map(manifest.operations.map((op) => [op.name, op.id]));
  const before = idsByName(shipped);
  const after = idsByName(current);
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names.flatMap((name) => {
    const [was, is] = [before.get(name), after.get(name)];
    if (was === is) return [];
    if (was === undefined) return [`added ${name}`];
    if (is === undefined) return [`removed ${name}`];
    return [`changed ${name} (${was.slice(0, 12)}… → ${is.slice(0, 12)}…)`];
  });
}
