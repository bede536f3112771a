import type { SubgraphContext } from '@subgraphs/kit';
import type { InventoryLoaders } from './data/loaders';

export type InventoryContext = SubgraphContext<InventoryLoaders>;
