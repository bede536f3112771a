import { startSubgraphProcess } from '@subgraphs/kit';
import { reviewsSubgraph } from './server';

startSubgraphProcess(reviewsSubgraph);
