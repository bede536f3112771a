import { DateTimeScalar } from '@subgraphs/kit';
import { Category } from './Category';
import { Image } from './Image';
import { Product } from './Product';
import { Query } from './Query';

export const resolvers = { DateTime: DateTimeScalar, Query, Product, Image, Category };
