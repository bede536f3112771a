/// <reference types="vite/client" />

/** The app's version (package.json), set by Vite at build time: sent as apollographql-client-version. */
declare const __APP_VERSION__: string;
