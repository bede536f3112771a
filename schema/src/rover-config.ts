import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * `rover.yaml`, Rover's supergraph config format: `federation_version` and, per subgraph,
 * `routing_url` plus `schema.file`. Only the parts we use are read; anything malformed is
 * reported with the path of the offending key.
 */
export interface RoverSubgraph {
  name: string;
  routingUrl: string;
  /** Absolute path of the subgraph's SDL file. */
  schemaFile: string;
}

export interface RoverConfig {
  federationVersion: string;
  subgraphs: RoverSubgraph[];
}

export class RoverConfigError extends Error {
  override name = 'RoverConfigError';
}

export function readRoverConfig(file: string): RoverConfig {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RoverConfigError(`${file}: not readable YAML: ${(error as Error).message}`);
  }
  const fail = (path: string, expected: string): never => {
    throw new RoverConfigError(`${file}: ${path} must be ${expected}`);
  };
  if (!isRecord(document)) return fail('the document', 'a mapping');
  const federationVersion = document.federation_version;
  if (typeof federationVersion !== 'string' || !/^=?2\.\d+\.\d+$/.test(federationVersion)) {
    fail('federation_version', 'a Federation 2 version such as "=2.14.4"');
  }
  const subgraphs = document.subgraphs;
  if (!isRecord(subgraphs) || Object.keys(subgraphs).length === 0) fail('subgraphs', 'a non-empty mapping');
  return {
    federationVersion: federationVersion as string,
    subgraphs: Object.entries(subgraphs as Record<string, unknown>).map(([name, entry]) => {
      if (!isRecord(entry)) return fail(`subgraphs.${name}`, 'a mapping');
      const routingUrl = entry.routing_url;
      if (typeof routingUrl !== 'string' || !/^https?:\/\//.test(routingUrl)) {
        fail(`subgraphs.${name}.routing_url`, 'an http(s) URL');
      }
      const schema = entry.schema;
      if (!isRecord(schema) || typeof schema.file !== 'string') fail(`subgraphs.${name}.schema.file`, 'a path to an SDL file');
      return {
        name,
        routingUrl: routingUrl as string,
        schemaFile: resolve(dirname(file), (schema as { file: string }).file),
      };
    }),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
