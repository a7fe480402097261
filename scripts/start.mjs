#!/usr/bin/env node
// `npm start`: build the desktop app if needed, start the server, open the
// Electron window; where Electron cannot start, leave the server running and
// say which address to open in a browser. Ctrl-C stops everything.
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout } from 'node:timers';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const desktop = path.join(root, 'apps', 'desktop');
const require = createRequire(import.meta.url);
const ELECTRON_GRACE_MS = 5000;

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function buildIfStale() {
  const outputs = ['main/main.cjs', 'preload/preload.cjs', 'renderer/index.html'].map((p) => path.join(desktop, 'out', p));
  const built = outputs.every(existsSync) ? Math.min(...outputs.map((p) => statSync(p).mtimeMs)) : 0;
  const sources = Math.max(newestMtime(path.join(desktop, 'src')), newestMtime(path.join(root, 'packages', 'shared', 'src')));
  if (built > sources) return;
  console.log('Building the desktop app…');
  const electronVite = path.join(path.dirname(require.resolve('electron-vite/package.json', { paths: [desktop] })), 'bin', 'electron-vite.js');
  const result = spawnSync(process.execPath, [electronVite, 'build'], { cwd: desktop, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('The desktop build failed; see above.');
    process.exit(result.status ?? 1);
  }
}

/** `npm run build`'s server while no file it was built from (dist/inputs.json) is newer; else the sources through tsx. */
function serverArgs() {
  const serverDir = path.join(root, 'apps', 'server');
  const built = path.join(serverDir, 'dist', 'main.js');
  const inputsFile = path.join(serverDir, 'dist', 'inputs.json');
  if (existsSync(built) && existsSync(inputsFile)) {
    const builtAt = statSync(built).mtimeMs;
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8')).map((input) => path.join(serverDir, input));
    if (inputs.every((input) => existsSync(input) && statSync(input).mtimeMs <= builtAt)) {
      console.log('Starting the built server (apps/server/dist).');
      return ['--enable-source-maps', '--import', pathToFileURL(path.join(serverDir, 'dist', 'instrument.js')).href, built];
    }
  }
  // tsx as a loader, not its launcher: one server process, so a hard stop really stops it.
  // The tracing preload first (it does nothing unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
  return ['--import', 'tsx', '--import', pathToFileURL(path.join(serverDir, 'src', 'observability', 'instrument.ts')).href, path.join(serverDir, 'src', 'main.ts')];
}

function startServer() {
  const server = spawn(process.execPath, serverArgs(), {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  const url = new Promise((resolve, reject) => {
    let buffer = '';
    server.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buffer += chunk.toString();
      const match = buffer.match(/listening on (https?:\/\/\S+)/);
      if (match) resolve(match[1]);
    });
    server.once('exit', (code) => reject(new Error(`the server exited (code ${code}) before it was ready`)));
  });
  return { server, url };
}

/** The Electron binary, if its download happened at install time. */
function electronBinary() {
  try {
    const binary = require(path.join(desktop, 'node_modules', 'electron'));
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    try {
      const binary = require('electron');
      return typeof binary === 'string' && existsSync(binary) ? binary : null;
    } catch {
      return null;
    }
  }
}

function browserFallback(url, why) {
  console.log(`\nElectron could not start here${why ? ` (${why})` : ''}; open ${url} in a browser.`);
  console.log('The server keeps running. Press Ctrl-C to stop.\n');
}

function launchElectron(binary, url, onQuit) {
  const startedAt = Date.now();
  const child = spawn(binary, [path.join(desktop, 'out', 'main', 'main.cjs')], {
    cwd: desktop,
    stdio: 'inherit',
    env: { ...process.env, FRONTDESK_SERVER_URL: url },
  });
  child.once('error', (err) => browserFallback(url, err.message));
  child.once('exit', (code, signal) => {
    if (Date.now() - startedAt < ELECTRON_GRACE_MS && (code !== 0 || signal)) browserFallback(url, `exit ${signal ?? code}`);
    else onQuit();
  });
  return child;
}

async function main() {
  buildIfStale();
  const { server, url } = startServer();
  let electron = null;
  let stopping = false;

  const stop = (code = 0) => {
    if (stopping) return;
    stopping = true;
    if (electron && electron.exitCode === null) electron.kill('SIGTERM');
    if (server.exitCode !== null) process.exit(code);
    server.once('exit', () => process.exit(code));
    server.kill('SIGINT');
    // A server that does not stop within 15 s is stopped hard.
    setTimeout(() => server.kill('SIGKILL'), 15_000).unref();
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  server.once('exit', (code) => {
    if (!stopping) {
      console.error(`The server stopped (code ${code}).`);
      if (electron && electron.exitCode === null) electron.kill('SIGTERM');
      process.exit(code ?? 1);
    }
  });

  let serverUrl;
  try {
    serverUrl = await url;
  } catch (err) {
    console.error(String(err instanceof Error ? err.message : err));
    process.exit(1);
  }
  const binary = electronBinary();
  if (!binary) {
    browserFallback(serverUrl, 'its binary is not installed');
    return;
  }
  // Closing the window ends the session, like any desktop app.
  electron = launchElectron(binary, serverUrl, () => stop(0));
}

void main();
