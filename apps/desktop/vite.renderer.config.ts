import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The renderer's build, shared by the app build (electron.vite.config.ts) and
// `npm run dev`, which rebuilds it on change. `base: './'` lets the same build
// load from file:// in Electron and from `/` on the server in a plain browser.
export default defineConfig({
  root: here('./src/renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: here('./out/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: true,
    rolldownOptions: { input: here('./src/renderer/index.html') },
  },
});
