import DataLoader from 'dataloader';
import { onePer } from '@subgraphs/kit';
import { type RequestDatabase } from '@bff/platform';
import { usersByIds, type UserRow } from './user-store';

export interface AccountsLoaders {
  userById: DataLoader<string, UserRow | null>;
}

export function createAccountsLoaders(db: RequestDatabase): AccountsLoaders {
  return {
    userById: new DataLoader(async (ids) => onePer(ids, await usersByIds(db, ids), (row) => row.id)),
  };
}
