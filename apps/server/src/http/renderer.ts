import { existsSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import sirv from 'sirv';
import type { Logger } from '../logger.js';
import { sendEdgeError } from './errors.js';
import { RENDERER_CSP, setSecurityHeaders } from './headers.js';

// The built renderer at `/`, so a plain browser can use the same server.

const NOT_BUILT = { code: 'NOT_FOUND', message: 'The Frontdesk renderer is not built on this server.', details: { entity: 'renderer' } } as const;
const NO_FILE = { code: 'NOT_FOUND', message: 'There is no such file.', details: { entity: 'file' } } as const;

/** Vite names files under assets/ by content hash: they never change, so browsers may keep them. */
function isHashedAsset(pathname: string): boolean {
  return pathname.startsWith('/assets/') && /\.[A-Za-z0-9]+$/.test(pathname);
}

export function rendererHandler(dir: string | undefined, logger: Logger): http.RequestListener {
  const serve = sirv(dir ?? path.join(process.cwd(), '.no-renderer'), {
    // Looked up per request, so a rebuilt renderer is served without a restart
    // (a cached listing would answer with the old files' lengths).
    dev: true,
    etag: true,
    // Any path without a file extension gets index.html (the app routes itself).
    single: true,
    setHeaders(res, pathname) {
      res.setHeader('cache-control', isHashedAsset(pathname) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const notFound = (res: http.ServerResponse) =>
    sendEdgeError(res, 404, dir && existsSync(path.join(dir, 'index.html')) ? NO_FILE : NOT_BUILT);

  return (req, res) => {
    setSecurityHeaders(res, RENDERER_CSP);
    res.setHeader('cross-origin-resource-policy', 'same-origin');
    if (!dir) {
      notFound(res);
      return;
    }
    // The renderer's files are small: sent whole. (sirv passes a reversed range
    // straight to createReadStream, which throws after the 206 has gone out.)
    delete req.headers.range;
    // sirv pipes a file stream into the response without an error handler: a
    // file removed mid-read (a rebuild) must end this response, not the process.
    res.once('pipe', (source: NodeJS.ReadableStream) => {
      source.once('error', (err: unknown) => {
        logger.warn({ err }, 'reading a renderer file failed');
        res.destroy();
      });
    });
    serve(req, res, () => notFound(res));
  };
}
