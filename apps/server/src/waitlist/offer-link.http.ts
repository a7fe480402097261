import type http from 'node:http';
import type { Deps } from '../deps.js';
import { setSecurityHeaders } from '../http/headers.js';
import { html, PATIENT_PAGE_CSP, readForm } from '../messages/patient-link.http.js';
import { escapeHtml, layout } from '../messages/patient-link.page.js';
import { OFFER_LINK_PREFIX, type OfferLinkPage } from './offer-link.js';

// The patient's link in a held waitlist offer, with nobody signed in:
//   GET  /w/<token>   "Take Tuesday 14:00 with Dr Kim?" with Accept and Decline
//   POST /w/<token>   answer=accept|decline (a form post)
// The same page style and CSP as the messages' link page (its stylesheet, /m/_/link.css).

export function isOfferLinkPath(url: string | undefined): boolean {
  return (url ?? '').startsWith(OFFER_LINK_PREFIX);
}

export function offerLinkHandler(deps: Deps): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  return async (req, res) => {
    setSecurityHeaders(res, PATIENT_PAGE_CSP);
    // The token must not leave in a Referer, nor stay in a cache.
    res.setHeader('cache-control', 'no-store');
    const token = new URL(req.url ?? '/', 'http://frontdesk.invalid').pathname.slice(OFFER_LINK_PREFIX.length);
    if (req.method === 'POST') {
      const answer = new URLSearchParams(await readForm(req)).get('answer');
      if (answer !== 'accept' && answer !== 'decline') return void html(res, 400, goneHtml());
      const result = await deps.offerLinks.answer(token, answer);
      if (!result.page) return void html(res, 404, goneHtml());
      return void html(res, result.ok ? 200 : 409, offerHtml(result.page, token, { ok: result.ok, text: result.text }));
    }
    const page = await deps.offerLinks.page(token);
    if (!page) return void html(res, 404, goneHtml());
    html(res, 200, offerHtml(page, token));
  };
}

export function offerHtml(page: OfferLinkPage, token: string, notice?: { ok: boolean; text: string }): string {
  const day = page.date.split(/[ ,]/)[0] ?? page.date;
  const who = page.practitioner ? ` with ${escapeHtml(page.practitioner)}` : '';
  const when = `<p class="when" data-testid="offer-when">${escapeHtml(page.date)}<br><strong>${escapeHtml(page.time)}</strong></p>`;
  const what = `<p class="what">${escapeHtml(page.service)}${page.branch ? ` · ${escapeHtml(page.branch)}` : ''}</p>`;
  const state =
    page.state === 'booked'
      ? '<p class="state ok" data-testid="offer-state">This time is booked for you. See you then.</p>'
      : page.state === 'gone'
        ? '<p class="state" data-testid="offer-state">This time is no longer held for you; please call the clinic.</p>'
        : `<form method="post" action="${OFFER_LINK_PREFIX}${escapeHtml(token)}" class="actions">
  <button type="submit" name="answer" value="accept" class="primary" data-testid="offer-accept">Accept, book it for me</button>
  <button type="submit" name="answer" value="decline" class="secondary" data-testid="offer-decline">Decline</button>
</form>`;
  const note = notice ? `<p class="notice ${notice.ok ? 'ok' : 'refused'}" role="status">${escapeHtml(notice.text)}</p>` : '';
  return layout(`A time for you · ${page.clinic}`, `<p class="clinic">${escapeHtml(page.clinic)}</p><h1>Take ${escapeHtml(day)} ${escapeHtml(page.time)}${who}?</h1>${when}${what}${note}${state}`);
}

function goneHtml(): string {
  return layout('Link not valid', '<h1>This link does not work any more</h1><p class="state">The time may have been taken or the offer ended. Please call the clinic.</p>');
}
