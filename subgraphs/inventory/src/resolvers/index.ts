import { DateTimeScalar } from '@subgraphs/kit';
import { Product } from './Product';

export const resolvers = { DateTime: DateTimeScalar, Product };
