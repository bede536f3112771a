import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import type { RoverSubgraph } from './rover-config';

export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

export interface CompositionProblem {
  code: string;
  message: string;
}

export type CompositionResult =
  | { ok: true; supergraphSdl: string; hints: CompositionProblem[] }
  | { ok: false; errors: CompositionProblem[]; hints: CompositionProblem[] };

export function loadSubgraphSources(subgraphs: readonly RoverSubgraph[]): SubgraphSource[] {
  return subgraphs.map((s) => ({ name: s.name, url: s.routingUrl, sdl: readFileSync(s.schemaFile, 'utf8') }));
}

/** What `rover supergraph compose` does: Federation 2 composition of the subgraph SDLs. */
export function composeSupergraph(sources: readonly SubgraphSource[]): CompositionResult {
  const result = composeServices(
    sources.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
  );
  const hints = (result.hints ?? []).map((hint) => ({ code: hint.definition.code, message: hint.message }));
  if (result.errors) {
    return {
      ok: false,
      hints,
      errors: result.errors.map((error) => ({
        code: String(error.extensions?.code ?? 'COMPOSITION_ERROR'),
        message: error.message,
      })),
    };
  }
  return { ok: true, supergraphSdl: result.supergraphSdl, hints };
}
