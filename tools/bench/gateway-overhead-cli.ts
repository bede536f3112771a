import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, freePort } from '@bff/platform';
import { stopAll } from '../stack/launcher';
import { optionReader } from './cli-options';
import { runLoad } from './load';
import type { WireRequest } from './operations';
import { renderTable } from './report';
import { median } from './rounds';
import { startHopFloorProxy } from './targets';
import { firstDifference, replyData, replyProblems, send } from './verify';

const USAGE = `usage: node --import tsx tools/bench/gateway-overhead-cli.ts [--rounds N] [--slices N] [--slice-seconds S]

What one gateway hop adds to a one-fetch query at one connection, for the kit and for the
gateways of the Guild's federation benchmark, over the same subgraph: the benchmark's products
subgraph (../shared/bench/guild, memoised replies), called directly, through the hop floor (a
Node process that only forwards, anchors/hop-floor-proxy.ts), through the kit (npm run bff),
through Grafbase's Rust gateway and through Hive Gateway with the Rust query planner (both where
the runner's install in $GUILD_BENCH_HOME, default /tmp/guild-bench, has them). All take turns,
slice by slice; each round's p50 is the median of its slices' p50s. Prints each target's
p50 per round and its overhead over the direct call, median and range.`;

/** One fetch, to products. */
const QUERY = '{ topProducts(first: 5) { upc name price weight } }';
const SUBGRAPHS_PORT = 4200;
const READY_TIMEOUT_MS = 120_000;

interface Target {
  name: string;
  origin: string;
  path: string;
  stop(): Promise<void>;
}

const { fail, positive } = optionReader('gateway-overhead', USAGE);

function spawnQuiet(command: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}): ChildProcess {
  return spawn(command, args, { cwd, env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
}

async function waitForReply(url: string, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let output = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-4000)));
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited before it answered:\n${output}`);
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }), signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not answer within ${READY_TIMEOUT_MS} ms:\n${output}`);
}

async function startProcess(name: string, child: ChildProcess, origin: string, path: string): Promise<Target> {
  await waitForReply(`${origin}${path}`, child, name);
  return { name, origin, path, stop: () => stopAll([child], 5_000) };
}

async function fetchesTo(products: string, target: Target): Promise<number> {
  const count = async () => ((await (await fetch(`http://127.0.0.1:${SUBGRAPHS_PORT}/counts`)).json()) as Record<string, number>)[products] ?? 0;
  const before = await count();
  await send(target.origin, request(target));
  return (await count()) - before;
}

const request = (target: Target): WireRequest => ({ method: 'POST', path: target.path, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: { rounds: { type: 'string' }, slices: { type: 'string' }, 'slice-seconds': { type: 'string' }, help: { type: 'boolean', default: false } } }));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.help) return void console.log(USAGE);
  const rounds = positive('rounds', values.rounds, 3, true);
  const slices = positive('slices', values.slices, 5, true);
  const sliceSeconds = positive('slice-seconds', values['slice-seconds'], 2);
  const home = resolve(process.env.GUILD_BENCH_HOME || '/tmp/guild-bench');
  if (!existsSync(join(home, 'node_modules', '@apollo', 'subgraph'))) fail(`no Guild benchmark install in ${home}: run ../shared/bench/guild/run.sh once (it installs there), or set GUILD_BENCH_HOME`);

  const started = Date.now();
  const log = (line: string) => console.error(`[gateway-overhead ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}`);
  const targets: Target[] = [];
  const stopEverything = () => Promise.all(targets.map((t) => t.stop()));
  process.once('SIGINT', () => void stopEverything().finally(() => process.exit(130)));
  try {
    const subgraphs = spawnQuiet(process.execPath, ['subgraphs.mjs'], home, { MEMO: '1' });
    const subgraphsOrigin = `http://127.0.0.1:${SUBGRAPHS_PORT}`;
    targets.push(await startProcess('direct', subgraphs, subgraphsOrigin, '/products'));
    const hop = await startHopFloorProxy(subgraphsOrigin);
    targets.push({ name: 'hop floor', origin: hop.origin, path: '/products', stop: hop.stop });

    const supergraph = join(home, 'fixture', 'supergraph.graphql');
    const kitPort = await freePort();
    // As `npm run bff` runs it (the guild runner's candidate command): request logs at info, metrics, default limits.
    const kit = spawnQuiet(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', 'bffs/core/src/cli/bff.ts', '--supergraph', supergraph, '--port', String(kitPort)], REPO_ROOT);
    targets.push(await startProcess('kit', kit, `http://127.0.0.1:${kitPort}`, '/graphql'));

    const grafbaseBin = join(home, 'node_modules', '@grafbase', 'cli-x86_64-unknown-linux-musl', 'grafbase');
    if (existsSync(grafbaseBin)) {
      const port = await freePort();
      const grafbase = spawnQuiet(grafbaseBin, ['--home', join(home, 'grafbase-home'), 'dev', '-c', 'grafbase-nodedup.toml', '--listen-address', `127.0.0.1:${port}`], home, { HOME: join(home, 'grafbase-home') });
      targets.push(await startProcess('grafbase (Rust)', grafbase, `http://127.0.0.1:${port}`, '/graphql'));
    } else log(`no Grafbase in ${home}: left out`);
    const hiveBin = join(home, 'node_modules', '.bin', 'hive-gateway');
    if (existsSync(hiveBin)) {
      const port = await freePort();
      const hive = spawnQuiet(process.execPath, [hiveBin, 'supergraph', supergraph, '--port', String(port), '--host', '127.0.0.1', '-c', join(home, 'hive-nodedup.mjs'), '--hive-router-runtime'], home, { NODE_ENV: 'production' });
      targets.push(await startProcess('hive-rust-planner', hive, `http://127.0.0.1:${port}`, '/graphql'));
    } else log(`no Hive Gateway in ${home}: left out`);

    const reference = await send(targets[0]!.origin, request(targets[0]!));
    for (const target of targets) {
      const reply = await send(target.origin, request(target));
      const problems = replyProblems(reply, 1);
      const difference = firstDifference(replyData(reference.body), replyData(reply.body));
      if (problems.length > 0 || difference) throw new Error(`${target.name}: ${problems.join('; ') || `reply differs at ${difference}`}`);
      if (target.name !== 'direct') {
        const fetches = await fetchesTo('products', target);
        if (fetches !== 1) throw new Error(`${target.name}: ${fetches} fetches to products for one request, not 1`);
      }
    }
    log(`${targets.map((t) => t.name).join(', ')}: replies equal, one fetch each; ${rounds} rounds of ${slices} slices × ${sliceSeconds} s per target`);
    for (const target of targets) await runLoad({ origin: target.origin, request: request(target), connections: 1, warmupSeconds: 0, durationSeconds: 2 });

    const p50s = new Map(targets.map((t) => [t.name, [] as number[]]));
    for (let round = 0; round < rounds; round++) {
      const sliceP50s = new Map(targets.map((t) => [t.name, [] as number[]]));
      for (let slice = 0; slice < slices; slice++) {
        for (const target of targets) {
          const load = await runLoad({ origin: target.origin, request: request(target), connections: 1, warmupSeconds: 0, durationSeconds: sliceSeconds });
          if (load.non2xx > 0 || load.errors > 0) throw new Error(`${target.name}: ${load.non2xx} non-2xx, ${load.errors} errors under load`);
          sliceP50s.get(target.name)!.push(load.p50);
        }
      }
      for (const target of targets) p50s.get(target.name)!.push(median(sliceP50s.get(target.name)!)!);
      log(`round ${round + 1}: ${targets.map((t) => `${t.name} ${p50s.get(t.name)!.at(-1)!.toFixed(3)} ms`).join(', ')}`);
    }

    const direct = p50s.get('direct')!;
    const ms = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(3));
    const signed = (n: number | undefined) => (n === undefined ? '-' : `${n >= 0 ? '+' : ''}${n.toFixed(2)}`);
    const rows = targets.map((target) => {
      const own = p50s.get(target.name)!;
      const over = own.map((p, i) => p - direct[i]!);
      return [target.name, own.map(ms).join(' / '), ms(median(own)), target.name === 'direct' ? '-' : over.map(signed).join(' / '), target.name === 'direct' ? '-' : signed(median(over)), target.name === 'direct' ? '-' : `${signed(Math.min(...over))} … ${signed(Math.max(...over))}`];
    });
    console.log(`One fetch (${QUERY}) at one connection; p50 ms per round (median of ${slices} slices of ${sliceSeconds} s), and over the direct call in the same round.`);
    console.log(renderTable(['target', 'p50 per round', 'median', 'over direct per round', 'median', 'range'], rows, [false, true, true, true, true, true]));
  } finally {
    await stopEverything();
  }
}

main().catch((error: Error) => {
  console.error(`gateway-overhead: ${error.message}`);
  process.exit(1);
});
