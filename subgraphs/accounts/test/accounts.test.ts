import { dataset } from '@subgraphs/kit';
import { asUser, representations, startTestSubgraph, type TestSubgraph } from '@subgraphs/kit/testing';
import { describeEachStorage } from '@bff/platform/testing';
import { accountsSubgraph } from '../src/server';

describeEachStorage('accounts subgraph', (backend) => {
  let accounts: TestSubgraph;
  beforeAll(async () => {
    accounts = await startTestSubgraph(accountsSubgraph, backend);
  });
  afterAll(() => accounts?.stop());

  test('seeds 50 users and reads one by id', async () => {
    const { rows } = await accounts.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    expect(rows[0]!.n).toBe(50);
    const seed = dataset().users[7]!;
    const { body } = await accounts.request(/* GraphQL */ `query ($id: ID!) { user(id: $id) { id name tier memberSince avatarUrl } }`, { id: seed.id });
    expect(body.data!.user).toEqual({
      id: seed.id,
      name: seed.name,
      tier: seed.tier,
      memberSince: seed.memberSince.toISOString(),
      avatarUrl: `https://cdn.example.com${seed.avatarPath}?size=96`,
    });
    expect((await accounts.request(/* GraphQL */ `{ user(id: "u-999") { id } }`)).body).toEqual({ data: { user: null } });
  });

  test('avatar sizes are clamped; nonsense sizes are refused', async () => {
    const { body } = await accounts.request(/* GraphQL */ `{ user(id: "u-001") { small: avatarUrl(size: 8) large: avatarUrl(size: 4000) } }`);
    expect(body.data!.user).toEqual({ small: expect.stringMatching(/size=32$/), large: expect.stringMatching(/size=512$/) });
    const bad = await accounts.request(/* GraphQL */ `{ user(id: "u-001") { avatarUrl(size: 0) } }`);
    expect(bad.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'size' });
  });

  test('me needs a user; email is readable by its owner only', async () => {
    const anonymous = await accounts.request(/* GraphQL */ `{ me { id } }`);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const me = await accounts.request(/* GraphQL */ `{ me { id email } }`, {}, asUser('u-003'));
    expect(me.body.data!.me).toEqual({ id: 'u-003', email: dataset().users[2]!.email });
    const other = await accounts.request(/* GraphQL */ `{ user(id: "u-004") { email } }`, {}, asUser('u-003'));
    expect(other.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  test('resolves User entities in one statement however many there are', async () => {
    const query = /* GraphQL */ `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name tier } } }`;
    const ids = dataset().users.map((u) => u.id);
    const five = await accounts.request(query, { r: representations('User', ids.slice(0, 5)) });
    const fifty = await accounts.request(query, { r: representations('User', ids) });
    expect(fifty.body.data!._entities.map((u: { id: string }) => u.id)).toEqual(ids);
    expect(five.statements).toBe(1);
    expect(fifty.statements).toBe(1);
  });
});
