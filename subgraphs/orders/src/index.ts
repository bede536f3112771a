import { startSubgraphProcess } from '@subgraphs/kit';
import { ordersSubgraph } from './server';

startSubgraphProcess(ordersSubgraph);
