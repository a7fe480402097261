import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Deps } from './deps.js';
import { appRouter } from './router.js';
import { contextFactory } from './trpc/context.js';

export interface ServerOptions {
  deps: Deps;
  /** Built renderer to serve at `/`, so a plain browser can use the same server. */
  rendererDir?: string;
  /** Background jobs (hold sweeper, log reader); tests may leave them off. */
  onStart?: () => Promise<void> | void;
  onStop?: () => Promise<void> | void;
}

export interface RunningServer {
  url: string;
  server: http.Server;
  stop(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

function isLocalOrigin(origin: string | undefined): origin is string {
  return !!origin && /^(https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?|file:\/\/|null)$/.test(origin);
}

/** The app as a value: a request listener plus start/stop. Listening lives in main.ts. */
export function createServer(options: ServerOptions) {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: contextFactory(options.deps),
    onError({ error, path: procedure }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') options.deps.logger.error({ err: error.cause ?? error, procedure }, 'internal error');
    },
  });

  function serveStatic(req: http.IncomingMessage, res: http.ServerResponse): void {
    const root = options.rendererDir;
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!root || !existsSync(root)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Frontdesk server: the renderer is not built.');
      return;
    }
    let file = path.join(root, path.normalize(urlPath).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) file = path.join(root, 'index.html');
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    const cache = file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable';
    res.writeHead(200, { 'content-type': type, 'cache-control': cache, 'x-content-type-options': 'nosniff' });
    createReadStream(file).pipe(res);
  }

  const listener: http.RequestListener = (req, res) => {
    const origin = req.headers.origin;
    if (isLocalOrigin(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-headers', 'authorization, content-type, trpc-accept, x-trpc-source');
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.setHeader('vary', 'origin');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const url = req.url ?? '/';
    if (url.startsWith('/trpc/')) {
      trpc(req, res);
      return;
    }
    if (url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    serveStatic(req, res);
  };

  async function start(port: number, host = '127.0.0.1'): Promise<RunningServer> {
    const server = http.createServer(listener);
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    await options.onStart?.();
    const address = server.address() as AddressInfo;
    const url = `http://${host}:${address.port}`;
    return {
      url,
      server,
      async stop() {
        await options.onStop?.();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      },
    };
  }

  return { listener, router: appRouter, start };
}
