import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  apolloLifecycle,
  apolloRequestHandler,
  createGraphQLHttpServer,
  gatewayCredentialCheck,
  operationTelemetryPlugin,
  ServiceTelemetry,
  type ApolloLifecycle,
  type RequestTelemetry,
} from '@bff/platform';
import { mobileBff } from '@bff/mobile';
import { webBff } from '@bff/web';

/**
 * Each client's experience subgraph as a real HTTP subgraph, for the bench's anchors: a BFF
 * runs its experience subgraph in-process (`createGateway`: `buildSubgraphSchema` of its
 * `experience` behind a LocalGraphQLDataSource), which a stock gateway cannot do, so the
 * anchors reach the very same definition (`webBff.experience`, `mobileBff.experience`: type
 * definitions and resolvers) over HTTP, served like a domain subgraph: Apollo Server behind
 * platform's GraphQL HTTP server, which refuses a request without the gateway credential and
 * counts each operation in `/metrics` (`graphql_operations_total`, for the counting pass).
 * The resolvers need nothing else: they are pure functions of their `@requires`'d fields.
 *
 * Environment: GATEWAY_SECRET; EXPERIENCE_PORTS, e.g. `web=4301,mobile=4302` (only the clients
 * listed are served); HOST (default 127.0.0.1).
 */
const DEFINITIONS = { web: webBff.experience, mobile: mobileBff.experience } as const;

/** Entity batches of a feed page with their `@requires`'d fields are a few KiB; the domain subgraphs allow 1 MiB too. */
const MAX_BODY_BYTES = 1024 * 1024;

function fail(message: string): never {
  console.error(`experience-subgraphs: ${message}`);
  process.exit(2);
}

const secret = process.env.GATEWAY_SECRET || fail('GATEWAY_SECRET must be set');
const host = process.env.HOST ?? '127.0.0.1';
const ports = (process.env.EXPERIENCE_PORTS ?? '')
  .split(',')
  .filter(Boolean)
  .map((item) => {
    const [client, port] = item.split('=');
    if (client !== 'web' && client !== 'mobile') return fail(`EXPERIENCE_PORTS: unknown client "${client}"`);
    if (!port || !/^\d+$/.test(port)) return fail(`EXPERIENCE_PORTS: no port for ${client}`);
    return { client, port: Number(port) } as const;
  });
if (ports.length === 0) fail('EXPERIENCE_PORTS must name at least one client, e.g. web=4301');

function serve(client: 'web' | 'mobile'): ApolloLifecycle {
  const experience = DEFINITIONS[client] ?? fail(`the ${client} BFF has no experience subgraph`);
  const apollo = new ApolloServer<{ telemetry: RequestTelemetry }>({
    schema: buildSubgraphSchema({ typeDefs: experience.typeDefs, resolvers: experience.resolvers }),
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    // As in the domain subgraphs: no federated tracing on every request.
    plugins: [operationTelemetryPlugin(), ApolloServerPluginInlineTraceDisabled()],
  });
  const http = createGraphQLHttpServer({
    handle: apolloRequestHandler(apollo, async (_req, telemetry) => ({ telemetry })),
    telemetry: ServiceTelemetry.quiet(`${client}-experience`),
    maxBodyBytes: MAX_BODY_BYTES,
    admit: gatewayCredentialCheck(secret),
    isReady: async () => true,
  });
  return apolloLifecycle(apollo, http);
}

const servers = ports.map(({ client, port }) => ({ client, port, server: serve(client) }));
const stop = () => void Promise.allSettled(servers.map(({ server }) => server.stop())).finally(() => process.exit(0));
// Spawned with an IPC channel: if the bench dies, so do these subgraphs.
if (process.send) process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

Promise.all(servers.map(({ client, port, server }) => server.listen(port, host).then((url) => `${client} ${url}/graphql`)))
  .then((urls) => console.log(`experience subgraphs at ${urls.join(', ')}`))
  .catch((error: Error) => {
    console.error(`experience-subgraphs failed to start: ${error.message}`);
    process.exit(1);
  });
