import type { GraphQLSchema } from 'graphql';

export interface LintInput {
  /** The client's proposed API schema. */
  proposed: GraphQLSchema;
  /** The last published API schema of the client. */
  published: GraphQLSchema;
  /** The proposed client supergraph SDL (it carries @listSize, which the API schema drops). */
  supergraphSdl: string;
}

/** A lint rule reports problems as coordinate + message; its severity comes from configuration. */
export interface LintRule {
  name: string;
  /**
   * `new-elements`: only problems on elements the change adds count, so existing debt
   * does not fail every check (fix it on its own schedule). `change`: the rule is about
   * the change itself.
   */
  scope: 'new-elements' | 'change';
  check(input: LintInput): { coordinate: string; message: string }[];
}
