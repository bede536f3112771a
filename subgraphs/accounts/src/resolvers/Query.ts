import { unauthenticated } from '@bff/platform';
import type { AccountsContext } from '../context';

export const Query = {
  me: (_root: unknown, _args: unknown, context: AccountsContext) => {
    if (!context.user) throw unauthenticated();
    return context.loaders.userById.load(context.user.id);
  },
  user: (_root: unknown, args: { id: string }, context: AccountsContext) => context.loaders.userById.load(args.id),
};
