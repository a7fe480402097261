import type http from 'node:http';
import type { Deps } from '../deps.js';
import { sendEdgeError } from '../http/errors.js';
import { setSecurityHeaders } from '../http/headers.js';
import { DISPLAY_PREFIX } from './display.service.js';
import { DISPLAY_CSS, DISPLAY_JS, displayHtml } from './display.page.js';

// The waiting-room page, for a TV's browser with nobody signed in:
//   GET /display/<secret>        the page (plain HTML, its script and style below)
//   GET /display/<secret>/state  what it shows now, polled every two seconds
//   GET /display/_/display.js|css
// The secret is the only key: an unknown or revoked one gets 404 and nothing else.

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const GONE = { code: 'NOT_FOUND', message: 'This display link does not exist or was revoked.', details: { entity: 'display' } } as const;

export function isDisplayPath(url: string | undefined): boolean {
  return (url ?? '').startsWith(DISPLAY_PREFIX);
}

export function displayHandler(deps: Deps): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  return async (req, res) => {
    setSecurityHeaders(res, CSP);
    // A secret in the address must not leave in a Referer, nor stay in a cache.
    res.setHeader('cache-control', 'no-store');
    const pathname = new URL(req.url ?? '/', 'http://frontdesk.invalid').pathname.slice(DISPLAY_PREFIX.length);
    if (pathname === '_/display.js' || pathname === '_/display.css') {
      const js = pathname.endsWith('.js');
      res.writeHead(200, { 'content-type': js ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8' }).end(js ? DISPLAY_JS : DISPLAY_CSS);
      return;
    }
    const [secret = '', rest, ...more] = pathname.split('/');
    if (more.length > 0 || (rest !== undefined && rest !== 'state')) {
      sendEdgeError(res, 404, GONE);
      return;
    }
    const state = await deps.display.state(secret);
    if (!state) {
      sendEdgeError(res, 404, GONE);
      return;
    }
    if (rest === 'state') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(state));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(displayHtml(state.branchName));
  };
}
