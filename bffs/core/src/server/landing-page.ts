import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';

/** A browser asking for HTML (someone opened /graphql): it gets a page, not a JSON error. */
export function prefersHtml(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*text\/html/i.test(accept);
}

/**
 * What a person who opens /graphql in a browser sees in development: where to send
 * operations. Self-contained (no scripts from elsewhere), so it works offline too.
 */
export function landingPage(client: string): HTTPGraphQLResponse {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${client} BFF</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The ${client} BFF</h1>
<p>This is the GraphQL endpoint of the ${client} client's backend. Send operations here:
a <code>POST</code> with <code>content-type: application/json</code> and a body
<code>{"query": "…", "variables": {…}}</code>, or a <code>GET</code> with
<code>?query=…</code> (or a persisted query's <code>?documentId=sha256:…</code>) and an
<code>apollo-require-preflight: true</code> header.</p>
</body></html>
`;
  return { status: 200, headers: new HeaderMap([['content-type', 'text/html; charset=utf-8']]), body: { kind: 'complete', string: html } };
}
