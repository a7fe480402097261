#!/usr/bin/env node
// `npm run build -w @frontdesk/server`: the server as JavaScript that plain `node dist/main.js` runs.
// esbuild bundles src/ and the workspace's own TypeScript packages (@frontdesk/shared); every npm
// package stays external, loaded from node_modules at run time, where OpenTelemetry can instrument it.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const serverDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// One folder under apps/server, like src/: src/paths.ts resolves the project root from either.
const OUT_DIR = 'dist';
const WORKSPACE_SCOPE = '@frontdesk/';

/** @type {import('esbuild').Plugin} */
const npmPackagesExternal = {
  name: 'npm-packages-external',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point' || args.path.startsWith(WORKSPACE_SCOPE)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

// Chunk names change with their content: last build's would pile up.
await rm(path.join(serverDir, OUT_DIR), { recursive: true, force: true });
const result = await build({
  absWorkingDir: serverDir,
  // instrument: the tracing preload, `node --import ./dist/instrument.js dist/main.js`.
  entryPoints: { main: 'src/main.ts', 'migrate-cli': 'src/db/migrate-cli.ts', instrument: 'src/observability/instrument.ts' },
  outdir: OUT_DIR,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  plugins: [npmPackagesExternal],
  // Shared code in chunks: the preload and main load each module once, and the tracing SDK, imported only
  // when tracing is on, stays in a chunk of its own that a server without OTEL_EXPORTER_OTLP_ENDPOINT never loads.
  splitting: true,
  // `node --enable-source-maps` then names src/ files in stack traces.
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});

// What the bundle was built from: `npm start` runs it only while none of these is newer.
const inputs = Object.keys(result.metafile.inputs).sort();
await writeFile(path.join(serverDir, OUT_DIR, 'inputs.json'), `${JSON.stringify(inputs, null, 2)}\n`);
console.log(`Built the server into apps/server/${OUT_DIR}/ (${inputs.length} source files); run it with node apps/server/${OUT_DIR}/main.js`);
