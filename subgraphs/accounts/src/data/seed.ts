import { bulkInsert, type Seed } from '@bff/platform';
import { dataset } from '@subgraphs/kit';

export const accountsSeed: Seed = {
  version: '1',
  async load(tx) {
    await bulkInsert(
      tx,
      'users',
      ['id', 'name', 'email', 'avatar_path', 'member_since', 'tier'],
      dataset().users.map((u) => [u.id, u.name, u.email, u.avatarPath, u.memberSince, u.tier]),
    );
  },
};
