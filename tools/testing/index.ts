/** Test support of the composition root: the client apps served and open in a browser. */
export * from './client-in-browser';
