import { startSubgraphProcess } from '@subgraphs/kit';
import { inventorySubgraph } from './server';

startSubgraphProcess(inventorySubgraph);
