import { DateTimeScalar } from '@subgraphs/kit';
import { Product } from './Product';
import { Query } from './Query';
import { Review } from './Review';
import { User } from './User';

export const resolvers = { DateTime: DateTimeScalar, Query, Review, Product, User };
