import { CLIENTS, readPolicyOf } from './clients';
import { ClientPolicyError, DEFAULT_CLIENT_POLICY, DEFAULT_OPERATION_LIMITS, parseClientPolicy } from './client-policy';

describe('client policies as data', () => {
  test('each client has a policy file that names it, with its own limits', () => {
    for (const client of CLIENTS) expect(readPolicyOf(client).name).toBe(client.name);
    const web = readPolicyOf('web');
    const mobile = readPolicyOf('mobile');
    expect(web.persistedQueries).toEqual({ mode: 'automatic' });
    expect(mobile.persistedQueries).toMatchObject({ mode: 'safelist', supportedAppVersions: expect.arrayContaining(['1.0.0', '1.1.0', '1.2.0']) });
    expect(mobile.limits.maxDepth).toBeLessThan(web.limits.maxDepth);
    expect(web.contract.excludeTags).toEqual(['internal', 'mobile-only']);
  });

  test('what a policy leaves out is the default', () => {
    const policy = parseClientPolicy('name: tiny\nlimits: { maxDepth: 3 }\n', 'tiny.yaml');
    expect(policy).toEqual({ ...DEFAULT_CLIENT_POLICY, name: 'tiny', limits: { ...DEFAULT_OPERATION_LIMITS, maxDepth: 3 } });
    // The defaults themselves are never changed by a policy that overrides them.
    expect(DEFAULT_CLIENT_POLICY.limits.maxDepth).toBe(DEFAULT_OPERATION_LIMITS.maxDepth);
    expect(DEFAULT_OPERATION_LIMITS.maxDepth).not.toBe(3);
  });

  test('JSON is a policy too', () => {
    expect(parseClientPolicy('{"name":"json","introspectionInProduction":true}', 'p.json')).toMatchObject({ name: 'json', introspectionInProduction: true });
  });

  test.each([
    ['limits: { maxDepth: 0 }', 'p.yaml: limits.maxDepth must be a positive integer, got 0'],
    ['limits: { maxDepth: "12" }', 'p.yaml: limits.maxDepth must be a positive integer, got "12"'],
    ['limits: { maxDeep: 12 }', 'p.yaml: limits.maxDeep is not a policy field (known: maxDepth, maxAliases'],
    ['nmae: web', 'p.yaml: nmae is not a policy field'],
    ['persistedQueries: { mode: sometimes }', 'p.yaml: persistedQueries.mode must be "automatic" or "safelist", got "sometimes"'],
    ['persistedQueries: { mode: safelist, supportedAppVersions: [1.0] }', 'p.yaml: persistedQueries.manifestsDir must be a directory, got undefined'],
    ['persistedQueries: { mode: safelist, manifestsDir: m, supportedAppVersions: [1] }', 'p.yaml: persistedQueries.supportedAppVersions must be a list of names, got [1]'],
    ['contract: { excludeTags: internal }', 'p.yaml: contract.excludeTags must be a list of names, got "internal"'],
    ['subgraphFetch: { timeoutMsBySubgraph: { reviews: -1 } }', 'p.yaml: subgraphFetch.timeoutMsBySubgraph.reviews must be a positive integer, got -1'],
    ['defaultPort: 70000', 'p.yaml: defaultPort must be a TCP port, got 70000'],
    ['name: Web', 'p.yaml: name must be a lower-case name, got "Web"'],
    ['- a list', 'p.yaml: the policy must be a mapping, got ["a list"]'],
    ['limits: [unclosed', 'p.yaml: not YAML or JSON'],
  ])('refuses %j with one line naming the field', (text, message) => {
    expect(() => parseClientPolicy(text, 'p.yaml')).toThrow(ClientPolicyError);
    expect(() => parseClientPolicy(text, 'p.yaml')).toThrow(message);
  });
});
