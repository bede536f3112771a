import type { SubgraphContext } from '@subgraphs/kit';
import type { CatalogLoaders } from './data/loaders';

export type CatalogContext = SubgraphContext<CatalogLoaders>;
