import type http from 'node:http';
import type { Deps } from '../deps.js';
import { setSecurityHeaders } from '../http/headers.js';
import { LINK_PREFIX } from './links.js';
import { goneHtml, LINK_CSS, linkHtml } from './patient-link.page.js';

// The patient's link in a message, with nobody signed in:
//   GET  /m/<token>   the appointment, with Confirm and Cancel
//   POST /m/<token>   answer=confirmed|cancelled (a form post), once per message
//   GET  /m/_/link.css
// The signed token is the only key: anything else gets the same "does not work" page.

/** The patient pages' policy (this one and the waitlist's offer page): their own stylesheet and form posts, nothing else. */
export const PATIENT_PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const MAX_FORM = 200;

export function isPatientLinkPath(url: string | undefined): boolean {
  return (url ?? '').startsWith(LINK_PREFIX);
}

export function patientLinkHandler(deps: Deps): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  return async (req, res) => {
    setSecurityHeaders(res, PATIENT_PAGE_CSP);
    // The token must not leave in a Referer, nor stay in a cache.
    res.setHeader('cache-control', 'no-store');
    const token = new URL(req.url ?? '/', 'http://frontdesk.invalid').pathname.slice(LINK_PREFIX.length);
    if (token === '_/link.css') {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }).end(LINK_CSS);
      return;
    }
    if (req.method === 'POST') {
      const answer = new URLSearchParams(await readForm(req)).get('answer');
      if (answer !== 'confirmed' && answer !== 'cancelled') return void html(res, 400, goneHtml());
      const result = await deps.messages.answer(token, answer);
      if (!result.page) return void html(res, 404, goneHtml());
      const text = result.ok ? (answer === 'confirmed' ? 'Thank you: the clinic sees your confirmation.' : 'Your appointment is cancelled; the time is offered to someone else.') : result.reason;
      return void html(res, result.ok ? 200 : 409, linkHtml(result.page, token, { ok: result.ok, text }));
    }
    const page = await deps.messages.linkPage(token);
    if (!page) return void html(res, 404, goneHtml());
    html(res, 200, linkHtml(page, token));
  };
}

export function html(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
}

/** A small form post, read to at most a few hundred bytes (an answer and nothing more). */
export async function readForm(req: http.IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > MAX_FORM) break;
  }
  return body.slice(0, MAX_FORM);
}
