import type { SubgraphContext } from '@subgraphs/kit';
import type { ReviewsLoaders } from './data/loaders';

export type ReviewsContext = SubgraphContext<ReviewsLoaders>;
