/** The schema registry service (`@bff/schema/registry`): the registry over its database, and its HTTP server. */
export * from './registry';
export * from './server';
