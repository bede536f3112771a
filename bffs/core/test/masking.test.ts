import { readFileSync } from 'node:fs';
import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';
import { CapturedLog, capturedTelemetry } from '@bff/platform/testing';
import { freePort } from '@bff/platform';
import { checkedInSupergraph, createBffServer } from '../src';
import { bearer, startTestStack, type TestBff, type TestStack } from './support/test-stack';

describe('what leaves the BFF when something goes wrong', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  test("a subgraph failure reaches the client as a masked error, logged in full with the request id", async () => {
    // The catalog routing URL points at the accounts subgraph, which answers catalog queries with a 400.
    const urls = Object.fromEntries(Object.entries(stack.subgraphs).map(([name, s]) => [name, `${s.url}/graphql`]));
    const log = new CapturedLog();
    const bff = createBffServer({
      telemetry: capturedTelemetry('web-bff', log),
      policy: webBff.policy,
      experience: webBff.experience,
      supergraphSdl: readFileSync(checkedInSupergraph('web'), 'utf8'),
      subgraphUrls: { ...urls, catalog: urls.accounts!, inventory: `http://127.0.0.1:${await freePort()}/graphql` },
      mode: 'production',
    });
    const url = `${await bff.listen(0, '127.0.0.1')}/graphql`;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-mask-1' },
        body: JSON.stringify({ query: '{ product(id: "p-0001") { name } }' }),
      });
      const text = await response.text();
      const body = JSON.parse(text);
      const { locations: _l, path: _p, ...rest } = body.errors[0];
      expect(rest).toEqual({ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(text).not.toMatch(/127\.0\.0\.1|stacktrace|Cannot query field|response/);
      // What the client does not see is in the BFF's log, under the request's id.
      const errors = log.lines.filter((line) => line.level === 'error' && line.reqId === 'req-mask-1');
      expect(errors.some((line) => line.msg === 'unexpected error' && JSON.stringify(line).includes('Cannot query field'))).toBe(true);
    } finally {
      await bff.stop();
    }
  });

  test('deliberate errors pass through with their code and public extensions only', async () => {
    const web = await stack.bff(webBff, 'production');
    const { body } = await web.post(
      { query: 'mutation { placeOrder(input: { idempotencyKey: "m-1", lines: [] }) { id } }' },
      await bearer('u-001', ['orders:write']),
    );
    const { locations: _l, path, ...rest } = body.errors[0];
    expect(path).toEqual(['placeOrder']);
    expect(rest).toEqual({
      message: 'input.lines must contain at least one line; the order is empty.',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.lines' },
    });
  });

  test('mobile in production gives no field suggestions; web keeps them with its introspection', async () => {
    const lenientMobile = {
      ...mobileBff,
      policy: { ...mobileBff.policy, persistedQueries: { ...(mobileBff.policy.persistedQueries as any), freeText: { development: true, production: true } } },
    };
    const mobile: TestBff = await stack.bff(lenientMobile, 'production');
    const typo = { query: '{ product(id: "p-0001") { nme } }' };
    const mobileError = (await mobile.post(typo)).body.errors[0].message as string;
    expect(mobileError).toMatch(/Cannot query field/);
    expect(mobileError).not.toMatch(/Did you mean/);
    const web = await stack.bff(webBff, 'production');
    expect((await web.post(typo)).body.errors[0].message).toMatch(/Did you mean "name"/);
  });
});
