import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Served by the API server from dist/ at `/`; `npm run dev -w @sohoa/web` proxies /api to a running `npm start`.
export default defineConfig({
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2020', reportCompressedSize: true, modulePreload: { polyfill: false } },
  server: { proxy: { '/api': 'http://localhost:8080' } },
});
