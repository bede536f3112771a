import { readFileSync } from 'node:fs';

/**
 * `node --import tsx tools/bench/cpu-profile-summary.ts <file.cpuprofile>…`: where a BFF's CPU
 * time went, from V8 profiles written with `--cpu-prof` (the recipe is in tools/bench/README.md),
 * in the stages of a request, from the first request on: each sample goes to the stage of the
 * innermost frame that names one (the JSON.stringify of a reply counts as "JSON serialise"
 * where V8 shows it as a frame of its own; where it is inlined, it counts as its caller).
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Stages, checked in order on each frame from the innermost out; the first that matches takes the sample. */
const STAGES: [stage: string, matches: (frame: ProfileNode['callFrame']) => boolean][] = [
  ['idle', (f) => f.functionName === '(idle)'],
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['JSON parse (subgraph replies, request bodies)', (f) => f.url === '' && f.functionName === 'parse'],
  ['JSON serialise (replies, subgraph requests)', (f) => f.url === '' && f.functionName === 'stringify'],
  ['response shaping and writing', (f) => /response-shaper|response-writer|resultShaping/.test(f.url)],
  ['merge of subgraph replies', (f) => /plan-node-runner/.test(f.url) && /deepMerge|mergeEntities/.test(f.functionName)],
  ['fetch building (representations, paths)', (f) => /plan-node-runner|dataRewrites/.test(f.url)],
  ['query planning', (f) => /query-planner|hive-plan|federation-internals/.test(f.url)],
  ['parse and validation', (f) => /graphql\/(language|validation)|operation-gate|limits\//.test(f.url)],
  ['subgraph HTTP (undici)', (f) => /undici|forwarding-data-source|subgraph-http/.test(f.url)],
  ['incoming HTTP, logs, metrics', (f) => /node:_http|node:http|graphql-http-server|service-http-server|pino|prom-client|observability/.test(f.url)],
  ['sockets and streams (both ways)', (f) => /node:net|node:internal\/(stream|net)|node:stream/.test(f.url)],
  ['plan execution (other)', (f) => /plan-executor|run-operation|bff-request-handler/.test(f.url)],
];

export function summarise(profiles: readonly Profile[]): { stage: string; ms: number; share: number }[] {
  const totals = new Map<string, number>();
  let all = 0;
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const stageOf = new Map<number, string>();
    const classify = (id: number): string => {
      const known = stageOf.get(id);
      if (known) return known;
      let stage = 'other';
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const frame = byId.get(at)!.callFrame;
        const match = STAGES.find(([, matches]) => matches(frame));
        if (match) {
          stage = match[0];
          break;
        }
      }
      stageOf.set(id, stage);
      return stage;
    };
    // From the first request on: start-up (loading modules, building the supergraph) is not a request's time.
    const inRequest = (id: number) => {
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (/bff-request-handler/.test(byId.get(at)!.callFrame.url)) return true;
      return false;
    };
    const first = profile.samples.findIndex(inRequest);
    profile.samples.forEach((id, i) => {
      if (first < 0 || i < first) return;
      const micros = profile.timeDeltas[i] ?? 0;
      all += micros;
      const stage = classify(id);
      totals.set(stage, (totals.get(stage) ?? 0) + micros);
    });
  }
  return [...totals.entries()].map(([stage, micros]) => ({ stage, ms: micros / 1000, share: micros / all })).sort((a, b) => b.ms - a.ms);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--requests');
  const requests = at >= 0 ? Number(args.splice(at, 2)[1]) : undefined;
  if (args.length === 0 || (requests !== undefined && !(requests > 0))) {
    console.error('usage: node --import tsx tools/bench/cpu-profile-summary.ts [--requests N] <file.cpuprofile>…\n  --requests N: the requests the profiled process served (warm-up included), for a column of ms per request');
    process.exit(2);
  }
  const rows = summarise(args.map((file) => JSON.parse(readFileSync(file, 'utf8')) as Profile));
  const busy = rows.filter((r) => r.stage !== 'idle').reduce((sum, r) => sum + r.ms, 0);
  console.log(`${'stage'.padEnd(48)} ${'ms'.padStart(9)}  share of busy time${requests ? '  ms per request' : ''}`);
  for (const row of rows) {
    const share = row.stage === 'idle' ? '' : `${((row.ms / busy) * 100).toFixed(1).padStart(5)} %`;
    const perRequest = requests && row.stage !== 'idle' ? `  ${(row.ms / requests).toFixed(2).padStart(14)}` : '';
    console.log(`${row.stage.padEnd(48)} ${row.ms.toFixed(0).padStart(9)}  ${share.padEnd(18)}${perRequest}`.trimEnd());
  }
  if (requests) console.log(`${'busy total'.padEnd(48)} ${busy.toFixed(0).padStart(9)}  ${''.padEnd(18)}  ${(busy / requests).toFixed(2).padStart(14)}`);
}
