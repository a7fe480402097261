// Builds the desktop app into out/: the renderer with Vite, the Electron main
// process and the preload with esbuild. `--watch` rebuilds on change.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { build as viteBuild } from 'vite';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const watch = process.argv.includes('--watch');
const out = (...p) => path.join(root, 'out', ...p);

/** @type {import('esbuild').BuildOptions} */
const nodeSide = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  // Sandboxed preloads cannot be ESM, and CJS keeps main simple too.
  format: 'cjs',
  external: ['electron'],
  sourcemap: true,
  logLevel: 'info',
};

const targets = [
  { ...nodeSide, entryPoints: [path.join(root, 'src/main/main.ts')], outfile: out('main', 'main.cjs') },
  { ...nodeSide, entryPoints: [path.join(root, 'src/preload/preload.ts')], outfile: out('preload', 'preload.cjs') },
];

rmSync(out('main'), { recursive: true, force: true });
rmSync(out('preload'), { recursive: true, force: true });

if (watch) {
  for (const t of targets) await (await esbuild.context(t)).watch();
  await viteBuild({ configFile: path.join(root, 'vite.config.ts'), build: { watch: {} } });
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
  await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
  console.log('desktop: built out/main, out/preload, out/renderer');
}
