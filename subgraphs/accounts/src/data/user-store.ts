import type { Queryable } from '@bff/platform';

export interface UserRow {
  id: string;
  name: string;
  email: string;
  avatar_path: string;
  member_since: Date;
  tier: string;
}

/** All users with these ids, in one statement (order not guaranteed). */
export async function usersByIds(db: Queryable, ids: readonly string[]): Promise<UserRow[]> {
  const { rows } = await db.query<UserRow>(
    'SELECT id, name, email, avatar_path, member_since, tier FROM users WHERE id = ANY($1::text[])',
    [ids],
  );
  return rows;
}
