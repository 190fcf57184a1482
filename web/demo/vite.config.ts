/**
 * Builds the demo page into dist/web/demo (`npm run build:web`), which the gateway serves at /demo/.
 * `npx vite --config web/demo/vite.config.ts` serves it with live reload, sending GraphQL requests
 * to a gateway on 127.0.0.1:4000 (`npm run dev`).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/demo/',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../../dist/web/demo', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // One small page: keep the report short.
    reportCompressedSize: false,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/graphql': 'http://127.0.0.1:4000' },
  },
});
