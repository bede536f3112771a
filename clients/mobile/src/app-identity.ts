/**
 * Who the app is to the BFF, on every request (apollographql-client-name/-version): the
 * BFF's logs and metrics tell releases apart by it, and the app name also proves to its
 * CSRF check that a script, not a cross-site form, sent the request.
 */
export const APP_IDENTITY = { name: 'mobile-app', version: __APP_VERSION__ } as const;
