import { parseArgs } from 'node:util';

const USAGE = `usage: npm run schema:retire -- --client <client> --app-version <x.y.z> [--by <name>] [--force --reason "<why>"]
Talks to the registry at REGISTRY_URL (default http://127.0.0.1:4110) with REGISTRY_TOKEN.`;

interface TrafficLine {
  operationName: string | null;
  operationId: string;
  clientName: string;
  requests: number;
  lastSeen: string;
}

/**
 * `npm run schema:retire`: retire a client app version in the registry (its operations leave
 * the safelist and the checks). The registry refuses while the version had traffic in its
 * window; this prints that traffic. Exit 0 retired, 1 refused, 2 could not run.
 */
async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { client: { type: 'string' }, 'app-version': { type: 'string' }, by: { type: 'string' }, force: { type: 'boolean' }, reason: { type: 'string' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const version = values['app-version'];
  if (!values.client || !version) {
    console.error(`--client and --app-version are required\n${USAGE}`);
    return 2;
  }
  const registry = process.env.REGISTRY_URL || 'http://127.0.0.1:4110';
  const token = process.env.REGISTRY_TOKEN || 'dev-registry-token';
  let response: Response;
  try {
    response = await fetch(`${registry}/clients/${encodeURIComponent(values.client)}/manifests/${encodeURIComponent(version)}/retire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ retiredBy: values.by ?? process.env.USER ?? 'unknown', force: values.force === true, reason: values.reason }),
    });
  } catch (error) {
    console.error(`registry at ${registry} is not reachable: ${(error as Error).message}`);
    return 2;
  }
  const body = (await response.json().catch(() => ({}))) as { forcedOverTraffic?: boolean; error?: { code: string; message: string; traffic?: TrafficLine[] } };
  if (response.ok) {
    console.log(`Retired ${values.client} app ${version}${body.forcedOverTraffic ? ' (forced over recent traffic; the reason is kept)' : ''}.`);
    return 0;
  }
  console.error(`Not retired (${response.status} ${body.error?.code}): ${body.error?.message}`);
  for (const line of body.error?.traffic ?? []) {
    console.error(`  ${line.operationName ?? line.operationId.slice(0, 12)}  ${line.clientName}  ${line.requests} request(s), last seen ${line.lastSeen}`);
  }
  return response.status === 409 ? 1 : 2;
}

main().then((code) => process.exit(code));
