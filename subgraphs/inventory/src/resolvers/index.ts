import { DateTimeScalar } from '@subgraphs/kit';
import { Mutation } from './Mutation';
import { Product } from './Product';

export const resolvers = { DateTime: DateTimeScalar, Mutation, Product };
