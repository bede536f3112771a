import type { SubgraphContext } from '@subgraphs/kit';
import type { AccountsLoaders } from './data/loaders';

export type AccountsContext = SubgraphContext<AccountsLoaders>;
