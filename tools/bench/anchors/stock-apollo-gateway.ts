import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { GATEWAY_CREDENTIAL_HEADER } from '@bff/platform';

/**
 * Stock @apollo/gateway in @apollo/server, the bench's baseline. Two settings differ from a
 * bare `new ApolloGateway({ supergraphSdl })`: every subgraph request carries the gateway
 * credential (our subgraphs refuse requests without it), and HTTP batches are allowed (the
 * mobile batch). Environment: SUPERGRAPH_FILE, GATEWAY_SECRET, PORT, HOST.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`stock-apollo-gateway: ${name} must be set`);
    process.exit(2);
  }
  return value;
}

const supergraphSdl = readFileSync(required('SUPERGRAPH_FILE'), 'utf8');
const secret = required('GATEWAY_SECRET');

class CredentialDataSource extends RemoteGraphQLDataSource {
  override willSendRequest({ request }: Parameters<NonNullable<RemoteGraphQLDataSource['willSendRequest']>>[0]): void {
    request.http?.headers.set(GATEWAY_CREDENTIAL_HEADER, secret);
  }
}

const gateway = new ApolloGateway({ supergraphSdl, buildService: ({ url }) => new CredentialDataSource({ url }) });
const server = new ApolloServer({ gateway, allowBatchedHttpRequests: true });

// Spawned with an IPC channel: if the bench dies, so does this gateway.
if (process.send) process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => void server.stop().finally(() => process.exit(0)));

startStandaloneServer(server, { listen: { port: Number(process.env.PORT ?? 4000), host: process.env.HOST ?? '127.0.0.1' } })
  .then(({ url }) => console.log(`stock @apollo/gateway at ${url}`))
  .catch((error: Error) => {
    console.error(`stock-apollo-gateway failed to start: ${error.message}`);
    process.exit(1);
  });
