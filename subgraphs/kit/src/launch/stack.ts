import { resolve } from 'node:path';
import { REPO_ROOT } from '../paths';

/** One process `npm start` runs. */
export interface StackService {
  name: string;
  /** Subgraphs are routed to by the BFFs; the launcher tells each BFF where they listen. */
  kind: 'subgraph' | 'bff';
  /** TypeScript entry point, relative to the repository root. */
  entry: string;
  defaultPort: number;
  /** Path answering 200 once the service can take traffic. */
  readyPath: string;
  /** Path clients use, printed when the stack is up. */
  publicPath: string;
}

/** The services of the local stack, in start order. */
export const STACK: readonly StackService[] = [
  { name: 'accounts', kind: 'subgraph', entry: 'subgraphs/accounts/src/index.ts', defaultPort: 4101, readyPath: '/health/ready', publicPath: '/graphql' },
  { name: 'catalog', kind: 'subgraph', entry: 'subgraphs/catalog/src/index.ts', defaultPort: 4102, readyPath: '/health/ready', publicPath: '/graphql' },
  { name: 'inventory', kind: 'subgraph', entry: 'subgraphs/inventory/src/index.ts', defaultPort: 4103, readyPath: '/health/ready', publicPath: '/graphql' },
  { name: 'reviews', kind: 'subgraph', entry: 'subgraphs/reviews/src/index.ts', defaultPort: 4104, readyPath: '/health/ready', publicPath: '/graphql' },
  { name: 'orders', kind: 'subgraph', entry: 'subgraphs/orders/src/index.ts', defaultPort: 4105, readyPath: '/health/ready', publicPath: '/graphql' },
  // The BFFs become ready once every subgraph has answered them, so they start last in effect.
  { name: 'web-bff', kind: 'bff', entry: 'bffs/web/src/index.ts', defaultPort: 4000, readyPath: '/health/ready', publicPath: '/graphql' },
  { name: 'mobile-bff', kind: 'bff', entry: 'bffs/mobile/src/index.ts', defaultPort: 4001, readyPath: '/health/ready', publicPath: '/graphql' },
];

export const entryPath = (service: StackService) => resolve(REPO_ROOT, service.entry);

/** `catalog` → `CATALOG_PORT`: the variable that moves one service of the stack. */
export const portVariable = (service: StackService) => `${service.name.toUpperCase().replace(/-/g, '_')}_PORT`;
