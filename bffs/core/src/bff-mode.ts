/**
 * `development` (the default) or `production` (`NODE_ENV=production`): the client's
 * production policy applies, e.g. no query text from a safelisted client and no
 * introspection unless the policy allows it.
 */
export type BffMode = 'development' | 'production';
