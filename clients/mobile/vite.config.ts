import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import packageJson from './package.json' with { type: 'json' };

/** Where `npm run dev` finds the mobile BFF (its policy's defaultPort), for /graphql and /auth/. */
const BFF_URL = process.env['MOBILE_BFF_URL'] ?? 'http://localhost:4001';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [
      // The app is written against React Native; in a browser, react-native-web implements it.
      { find: /^react-native$/, replacement: 'react-native-web' },
      // The package's published build is CommonJS, whose require("graphql") keeps all of
      // graphql-js in the bundle (+180 kB); its ES module source, shipped alongside, lets
      // the bundler keep only what is used.
      { find: /^@apollo\/persisted-query-lists$/, replacement: '@apollo/persisted-query-lists/src/index.ts' },
    ],
  },
  // Sent as apollographql-client-version (app-identity.ts): the BFF's logs and metrics tell releases apart by it.
  define: { __APP_VERSION__: JSON.stringify(packageJson.version) },
  // Same origin as in production, where the app's host proxies these paths to the BFF.
  server: { proxy: { '/graphql': BFF_URL, '/auth/': BFF_URL } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // One bundle, as a native app has one: React DOM, Apollo Client and react-native-web make most of its ~600 kB.
    chunkSizeWarningLimit: 650,
  },
});
