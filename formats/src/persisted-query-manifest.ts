import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Apollo's persisted-query manifest format: what a client build registers, and what the
 * BFF safelists. `id` is the sha256 (hex) of `body`, which is what clients send as
 * `extensions.persistedQuery.sha256Hash`.
 */
export interface PersistedQueryManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: PersistedOperation[];
}

export interface PersistedOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Reads and checks a manifest file: its format, and that every id is the hash of its body. */
export function readManifest(file: string): PersistedQueryManifest {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ManifestError(`${file}: not a readable JSON manifest (${(error as Error).message})`);
  }
  const m = manifest as Partial<PersistedQueryManifest>;
  if (m.format !== 'apollo-persisted-query-manifest' || m.version !== 1 || !Array.isArray(m.operations)) {
    throw new ManifestError(`${file}: not an Apollo persisted-query manifest (format "apollo-persisted-query-manifest", version 1)`);
  }
  for (const [i, op] of m.operations.entries()) {
    if (typeof op?.id !== 'string' || typeof op.body !== 'string' || typeof op.name !== 'string') {
      throw new ManifestError(`${file}: operations[${i}] needs string id, name and body`);
    }
    if (sha256Hex(op.body) !== op.id) throw new ManifestError(`${file}: operations[${i}] (${op.name}) has an id that is not the sha256 of its body`);
  }
  return m as PersistedQueryManifest;
}
