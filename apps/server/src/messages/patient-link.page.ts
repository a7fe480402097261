import type { LinkPage } from './messages.service.js';

// The patient's page behind a message's link: plain HTML and one stylesheet,
// no script; two buttons that post a form back to the same address.

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A patient page (the messages' link, the waitlist's offer): one card, the link stylesheet, no script. */
export function layout(title: string, inner: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/m/_/link.css"></head>
<body><main class="card">${inner}</main></body></html>`;
}

export function linkHtml(page: LinkPage, token: string, notice?: { ok: boolean; text: string }): string {
  const t = escapeHtml(token);
  const when = `<p class="when" data-testid="link-when">${escapeHtml(page.date)}<br><strong>${escapeHtml(page.time)}</strong></p>`;
  const what = `<p class="what">${escapeHtml(page.service)}${page.branch ? ` · ${escapeHtml(page.branch)}` : ''}</p>`;
  const state =
    page.answer === 'confirmed'
      ? '<p class="state ok" data-testid="link-state">You have confirmed this appointment. Thank you, see you then.</p>'
      : page.answer === 'cancelled' || page.status === 'cancelled'
        ? '<p class="state" data-testid="link-state">This appointment is cancelled.</p>'
        : page.status !== 'booked'
          ? '<p class="state" data-testid="link-state">This appointment can no longer be changed here; please call the clinic.</p>'
          : `<form method="post" action="/m/${t}" class="actions">
  <button type="submit" name="answer" value="confirmed" class="primary" data-testid="link-confirm">Confirm, I will come</button>
  <button type="submit" name="answer" value="cancelled" class="secondary" data-testid="link-cancel">Cancel the appointment</button>
</form>`;
  const note = notice ? `<p class="notice ${notice.ok ? 'ok' : 'refused'}" role="status">${escapeHtml(notice.text)}</p>` : '';
  return layout(`Your appointment · ${page.clinic}`, `<p class="clinic">${escapeHtml(page.clinic)}</p><h1>Your appointment</h1>${when}${what}${note}${state}`);
}

export function goneHtml(): string {
  return layout('Link not valid', '<h1>This link does not work any more</h1><p class="state">It may have expired or been used already. Please call the clinic.</p>');
}

export const LINK_CSS = `
*{box-sizing:border-box}
html,body{margin:0;min-height:100%;background:#f1f5f9;color:#0f172a;font-family:"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
body{display:flex;justify-content:center;padding:6vh 16px}
.card{background:#fff;border-radius:14px;box-shadow:0 4px 24px rgba(15,23,42,.12);padding:32px 28px;max-width:440px;width:100%}
.clinic{margin:0;color:#2563eb;font-weight:600;letter-spacing:.02em}
h1{font-size:1.6rem;margin:.3em 0 .8em}
.when{font-size:1.15rem;margin:0 0 .4em;line-height:1.5}
.when strong{font-size:1.6rem}
.what{color:#475569;margin:0 0 1.6em}
.actions{display:flex;flex-direction:column;gap:12px}
button{font:inherit;font-size:1.05rem;padding:14px 16px;border-radius:10px;border:2px solid transparent;cursor:pointer}
button:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}
.primary{background:#16a34a;color:#fff}
.primary:hover{background:#15803d}
.secondary{background:#fff;color:#b91c1c;border-color:#fecaca}
.secondary:hover{background:#fef2f2}
.state{font-size:1.05rem;padding:14px;border-radius:10px;background:#f8fafc;margin:0}
.state.ok{background:#dcfce7;color:#14532d}
.notice{margin:0 0 1em;padding:10px 14px;border-radius:10px}
.notice.ok{background:#dcfce7;color:#14532d}
.notice.refused{background:#fef3c7;color:#78350f}
`;
