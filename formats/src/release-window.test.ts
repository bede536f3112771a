import { compareVersions, releaseWindow } from './release-window';
import { ClientPolicyError, parseClientPolicy } from './client-policy';

describe('release windows', () => {
  test('versions compare by number, not as text', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareVersions('1.2.0', '1.2.0')).toBe(0);
    expect(compareVersions('0.9.9', '1.0.0')).toBeLessThan(0);
  });

  test('a release is in its window when supported, not below minimumVersion, and before its supportedUntil', () => {
    const now = Date.parse('2027-01-01T00:00:00Z');
    const window = releaseWindow({
      supportedAppVersions: ['1.0.0', '1.1.0', '1.2.0', '1.10.0'],
      minimumVersion: '1.1.0',
      supportedUntil: { '1.1.0': '2026-12-31T00:00:00Z', '1.2.0': '2027-06-30' },
    });
    expect(['1.0.0', '1.1.0', '1.2.0', '1.10.0', '2.0.0'].filter((v) => window.inWindow(v, now))).toEqual(['1.2.0', '1.10.0']);
    expect(window.minimumVersion(now)).toBe('1.2.0');
    // After 1.2.0's date too, 1.10.0 is the oldest left.
    expect(window.minimumVersion(Date.parse('2027-07-01'))).toBe('1.10.0');
  });

  test('without a window every supported release is in it', () => {
    const window = releaseWindow({ supportedAppVersions: ['1.0.0', '1.1.0'] });
    expect(window.inWindow('1.0.0')).toBe(true);
    expect(window.minimumVersion()).toBe('1.0.0');
  });

  test('the policy reads minimumVersion and supportedUntil, and names a bad one', () => {
    const policy = parseClientPolicy(
      "name: app\npersistedQueries: { mode: safelist, manifestsDir: m, supportedAppVersions: ['1.0.0', '1.1.0'], minimumVersion: '1.1.0', supportedUntil: { '1.0.0': '2027-03-31' } }\n",
      'p.yaml',
    );
    expect(policy.persistedQueries).toMatchObject({ minimumVersion: '1.1.0', supportedUntil: { '1.0.0': '2027-03-31' } });
    const bad = (pq: string) => () => parseClientPolicy(`name: app\npersistedQueries: { mode: safelist, manifestsDir: m, supportedAppVersions: ['1.0.0'], ${pq} }\n`, 'p.yaml');
    expect(bad("minimumVersion: 'one'")).toThrow(ClientPolicyError);
    expect(bad("minimumVersion: 'one'")).toThrow(/persistedQueries\.minimumVersion/);
    expect(bad("supportedUntil: { '1.0.0': 'someday' }")).toThrow(/persistedQueries\.supportedUntil\.1\.0\.0/);
    expect(bad("supportedUntil: { '9.9.9': '2027-01-01' }")).toThrow(/supportedAppVersions/);
  });
});
