import { startSubgraphProcess } from '@subgraphs/kit';
import { catalogSubgraph } from './server';

startSubgraphProcess(catalogSubgraph);
