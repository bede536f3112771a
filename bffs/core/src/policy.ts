/**
 * A client policy: everything that makes one BFF different from another, as plain data.
 * The web and mobile BFFs are this plus an experience subgraph; the kit does the rest.
 */
export interface ClientPolicy {
  /** Client name, e.g. `web`; also the directory of its artifacts under `schema/clients/`. */
  name: string;
  /** Port when `PORT` is not set. */
  defaultPort: number;
  /** Schema elements tagged with any of these are hidden from this client's API schema. */
  contract: { excludeTags: readonly string[] };
}

/** The policy of `npm run bff` without `--policy`: a client that hides nothing. */
export const DEFAULT_CLIENT_POLICY: ClientPolicy = {
  name: 'default',
  defaultPort: 4300,
  contract: { excludeTags: [] },
};
