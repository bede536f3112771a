/**
 * Stock @apollo/gateway refuses supergraphs that link `authenticated` or `requiresScopes`
 * `for: SECURITY` (they are router features it does not implement). The BFF kit enforces
 * those directives itself, so it hands the gateway the same supergraph with the two links
 * demoted to plain links; everything else, including the directives, stays as it is. The
 * registry serves the same for stock gateways that opt into it (its Uplink `@stock-gateway`
 * variant), whose callers the subgraphs then hold to their own identity and ownership checks.
 */
const SECURITY_LINK = /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[\d.]+")\s*,\s*for: SECURITY\)/g;

export function supergraphForGateway(supergraphSdl: string): string {
  return supergraphSdl.replace(SECURITY_LINK, '$1)');
}
