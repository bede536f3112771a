import { DateTimeScalar } from '@subgraphs/kit';
import { Query } from './Query';
import { User } from './User';

export const resolvers = { DateTime: DateTimeScalar, Query, User };
