import { DateTimeScalar } from '@subgraphs/kit';
import { Mutation } from './Mutation';
import { Order } from './Order';
import { OrderLine } from './OrderLine';
import { Query } from './Query';
import { Subscription } from './Subscription';
import { User } from './User';

export const resolvers = { DateTime: DateTimeScalar, Query, Mutation, Subscription, Order, OrderLine, User };
