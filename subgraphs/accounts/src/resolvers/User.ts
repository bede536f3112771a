import { ASSET_BASE_URL } from '@subgraphs/kit';
import { badUserInput, forbidden, unauthenticated } from '@bff/platform';
import type { AccountsContext } from '../context';
import type { UserRow } from '../data/user-store';

const MIN_AVATAR = 32;
const MAX_AVATAR = 512;

export const User = {
  __resolveReference: (reference: { id: string }, context: AccountsContext) => context.loaders.userById.load(reference.id),
  memberSince: (user: UserRow) => user.member_since,
  avatarUrl: (user: UserRow, args: { size?: number | null }) => {
    const size = args.size ?? 96;
    if (!Number.isInteger(size) || size <= 0) throw badUserInput('size', `Argument "size" must be a positive integer, got ${size}.`);
    const clamped = Math.min(MAX_AVATAR, Math.max(MIN_AVATAR, size));
    return `${ASSET_BASE_URL}${user.avatar_path}?size=${clamped}`;
  },
  // Ownership is enforced here, not only at the BFF: a gateway bug must not leak addresses.
  email: (user: UserRow, _args: unknown, context: AccountsContext) => {
    if (!context.user) throw unauthenticated();
    if (context.user.id !== user.id) throw forbidden('You may only read your own email address.');
    return user.email;
  },
};
