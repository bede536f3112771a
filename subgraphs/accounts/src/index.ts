import { startSubgraphProcess } from '@subgraphs/kit';
import { accountsSubgraph } from './server';

startSubgraphProcess(accountsSubgraph);
