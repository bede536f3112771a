import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GATEWAY_CREDENTIAL_HEADER } from '@subgraphs/kit';
import type { BffContext } from '../server/context';

/**
 * Fetches from one domain subgraph over HTTP, passing on what the subgraph needs to know
 * about the request: the caller's credentials and identity, and the request id that ties
 * the BFF's log line to the subgraphs'. Node's fetch keeps connections alive per origin,
 * so consecutive fetches to one subgraph reuse sockets.
 */
export class ForwardingDataSource extends RemoteGraphQLDataSource<BffContext> {
  constructor(
    url: string,
    /** The gateways' shared secret, without which subgraphs refuse to answer. */
    private readonly gatewaySecret: string,
  ) {
    super({ url });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<BffContext>): void {
    if (!request.http) return;
    request.http.headers.set(GATEWAY_CREDENTIAL_HEADER, this.gatewaySecret);
    const forwarded = (context as Partial<BffContext>).forwardHeaders;
    if (!forwarded) return;
    for (const [name, value] of Object.entries(forwarded)) request.http.headers.set(name, value);
  }
}
