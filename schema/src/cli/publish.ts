import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatReport } from '../check/format-report';
import type { CheckReport } from '../check/types';

const USAGE = `usage: npm run schema:publish -- --subgraph <name> --sdl <file> [--by <name>] [--force --reason "<why>"] [--routing-url <url>]
Talks to the registry at REGISTRY_URL (default http://127.0.0.1:4110) with REGISTRY_TOKEN.`;

/** `npm run schema:publish`: publish a subgraph SDL to the registry; exit 0 published, 1 refused, 2 could not run. */
async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        subgraph: { type: 'string' },
        sdl: { type: 'string' },
        by: { type: 'string' },
        force: { type: 'boolean' },
        reason: { type: 'string' },
        'routing-url': { type: 'string' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.subgraph || !values.sdl) {
    console.error(`--subgraph and --sdl are required\n${USAGE}`);
    return 2;
  }
  const registry = process.env.REGISTRY_URL || 'http://127.0.0.1:4110';
  const token = process.env.REGISTRY_TOKEN || 'dev-registry-token';
  let sdl: string;
  try {
    sdl = readFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), values.sdl), 'utf8');
  } catch (error) {
    console.error(`cannot read ${values.sdl}: ${(error as Error).message}`);
    return 2;
  }
  let response: Response;
  try {
    response = await fetch(`${registry}/subgraphs/${encodeURIComponent(values.subgraph)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        sdl,
        publishedBy: values.by ?? process.env.USER ?? 'unknown',
        force: values.force === true,
        reason: values.reason,
        routingUrl: values['routing-url'],
      }),
    });
  } catch (error) {
    console.error(`registry at ${registry} is not reachable: ${(error as Error).message}`);
    return 2;
  }
  const body = (await response.json()) as { version?: number; report?: CheckReport; clients?: Record<string, { version: number; changed: boolean }>; error?: { code: string; message: string; report?: CheckReport } };
  const report = body.report ?? body.error?.report;
  if (report) console.log(formatReport(report));
  if (response.status === 201) {
    const clients = Object.entries(body.clients ?? {}).map(([c, v]) => `${c} v${v.version}${v.changed ? ' (new)' : ''}`);
    console.log(`\nPublished ${values.subgraph} version ${body.version}; client supergraphs: ${clients.join(', ')}`);
    return 0;
  }
  console.error(`\nNot published (${response.status} ${body.error?.code}): ${body.error?.message}`);
  return response.status === 409 || response.status === 422 ? 1 : 2;
}

main().then((code) => process.exit(code));
