import { defineConfig } from 'electron-vite';
import renderer from './vite.renderer.config';

// The desktop app into out/: Electron's main process and the preload as one
// CJS file each (a sandboxed preload cannot be ESM), then the renderer.
const nodeSide = (name: 'main' | 'preload') => ({
  build: {
    target: 'node22',
    sourcemap: true,
    lib: { entry: `src/${name}/${name}.ts`, formats: ['cjs' as const], fileName: () => `${name}.cjs` },
  },
});

export default defineConfig({ main: nodeSide('main'), preload: nodeSide('preload'), renderer });
