import type { IncomingMessage } from 'node:http';
import { fairShareAdmission } from '../src/graphql/fair-share-admission';

const from = (client: string) => ({ headers: { 'apollographql-client-name': client } }) as unknown as IncomingMessage;

describe("a subgraph's fair share of concurrency per calling client", () => {
  test('a client alone may take all of it; once another calls, each holds at most its share, and the other is still admitted', () => {
    let now = 0;
    const admit = fairShareAdmission(4, () => now);
    const web = Array.from({ length: 4 }, () => admit(from('web')));
    expect(web.every((slot) => typeof slot === 'function')).toBe(true);
    expect(admit(from('web'))).toMatchObject({ rejected: true, status: 503, code: 'OVERLOADED' });

    // Mobile calls: the share is now 2 each. Web holds 4, so it is refused until it is down to 1;
    // mobile is admitted although web holds every slot it took while alone.
    const mobile = admit(from('mobile'));
    expect(typeof mobile).toBe('function');
    (web[0] as () => void)();
    (web[1] as () => void)();
    expect(admit(from('web'))).toMatchObject({ rejected: true, code: 'OVERLOADED' });
    (web[2] as () => void)();
    expect(typeof admit(from('web'))).toBe('function');
    expect(typeof admit(from('mobile'))).toBe('function');
    expect(admit(from('mobile'))).toMatchObject({ rejected: true, headers: { 'retry-after': '1' }, details: { limit: 2 } });

    // A minute without mobile: web's share is all of it again.
    now += 61_000;
    (mobile as () => void)();
    expect(typeof admit(from('web'))).toBe('function');
    expect(typeof admit(from('web'))).toBe('function');
  });

  test('giving a slot back twice gives it back once', () => {
    const admit = fairShareAdmission(1);
    const slot = admit(from('web')) as () => void;
    slot();
    slot();
    expect(typeof admit(from('web'))).toBe('function');
    expect(admit(from('web'))).toMatchObject({ rejected: true });
  });
});
