import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { localMinuteToInstant } from '@frontdesk/shared';

// The renderer's side of `npm run bench`, measured in Chromium against a
// running server with the demo clinic:
//  - cold: a window with empty storage (signed in, no cache) from navigation
//    to a day grid that takes clicks (a slot cell visible, the desk online);
//  - warm: the same window reloaded, opening from the persisted cache;
//  - secondDesk: another desk holds a slot through the API; time from just
//    before the request until this window draws the held block.
// The session is put into localStorage the way the browser build keeps it
// (frontdesk.token / frontdesk.staff), so no time is spent on the login form.

export interface Percentiles {
  p50: number;
  p95: number;
}

export interface RendererBench {
  coldMs: Percentiles;
  warmMs: Percentiles;
  secondDeskMs: Percentiles;
  runs: number;
}

export interface RendererBenchOptions {
  /** A running server with the demo clinic, e.g. http://127.0.0.1:4400 */
  baseUrl: string;
  /** Samples of each measurement (default 10). */
  runs?: number;
  /** Chromium to drive (default Debian's /usr/bin/chromium, or FRONTDESK_CHROMIUM). */
  executablePath?: string;
}

const EMAIL = 'reception@demo.frontdesk.test';
const PASSWORD = 'frontdesk-demo';
const PRACTITIONER = 'Dr James Carter';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const READY = '[data-testid^="slot-"]';

async function call<T>(baseUrl: string, path: string, input: unknown, token?: string, method: 'GET' | 'POST' = 'POST'): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const url = method === 'GET' ? `${baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}` : `${baseUrl}/trpc/${path}`;
  const res = await fetch(url, { method, headers, body: method === 'POST' ? JSON.stringify(input) : undefined });
  const body = (await res.json()) as { result?: { data: T }; error?: { message: string } };
  if (!res.ok || !body.result) throw new Error(`${path}: ${body.error?.message ?? res.status}`);
  return body.result.data;
}

function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
  const round = (n: number) => Math.round(n * 10) / 10;
  return { p50: round(rank(0.5)), p95: round(rank(0.95)) };
}

/** A Monday some weeks out in New York, away from the days tests and demos use. */
function benchDate(): string {
  const d = new Date();
  d.setUTCHours(12, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7 || 7) + 7 * (12 + Math.floor(Math.random() * 40)));
  return d.toISOString().slice(0, 10);
}

interface Desk {
  token: string;
  staff: unknown;
  branchId: string;
  timeZone: string;
}

async function signIn(baseUrl: string): Promise<Desk> {
  const { token, staff } = await call<{ token: string; staff: unknown }>(baseUrl, 'auth.login', { email: EMAIL, password: PASSWORD, desk: 'bench' });
  const branches = await call<{ id: string; timeZone: string }[]>(baseUrl, 'catalog.branches', undefined, token, 'GET');
  const branch = branches[0];
  if (!branch) throw new Error('the bench desk has no branch');
  return { token, staff, branchId: branch.id, timeZone: branch.timeZone };
}

async function newWindow(browser: Browser, baseUrl: string, desk: Desk, date: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1400, height: 900 } });
  await context.addInitScript(
    ([token, staff, place]) => {
      localStorage.setItem('frontdesk.token', token);
      localStorage.setItem('frontdesk.staff', staff);
      localStorage.setItem('frontdesk.place', place);
      // The page's own clock (ms since navigation start) when the grid first takes clicks.
      const w = window as unknown as { __fdReady?: number };
      new MutationObserver((_, observer) => {
        if (document.querySelector('[data-testid^="slot-"]') && !document.querySelector('[data-testid="offline-banner"]')) {
          w.__fdReady = performance.now();
          observer.disconnect();
        }
      }).observe(document, { subtree: true, childList: true });
    },
    [desk.token, JSON.stringify({ staff: desk.staff, desk: 'bench' }), JSON.stringify({ branchId: desk.branchId, date })] as const,
  );
  return { context, page: await context.newPage() };
}

/** Navigation start to an interactive grid, as the page's own clock saw it. */
async function timeUntilReady(page: Page, navigate: () => Promise<unknown>): Promise<number> {
  await navigate();
  await page.waitForSelector(READY, { state: 'visible', timeout: 30_000 });
  const handle = await page.waitForFunction(() => (window as unknown as { __fdReady?: number }).__fdReady, undefined, { timeout: 30_000 });
  return (await handle.jsonValue()) as number;
}

/** Epoch milliseconds, sub-millisecond, comparable between this process and the page. */
const epochNow = () => performance.timeOrigin + performance.now();

export async function benchRenderer(opts: RendererBenchOptions): Promise<RendererBench> {
  const baseUrl = opts.baseUrl.replace(/\/$/, '');
  const runs = Math.max(1, opts.runs ?? 10);
  const desk = await signIn(baseUrl);
  const date = benchDate();
  const resources = await call<{ id: string; name: string }[]>(baseUrl, 'catalog.resources', {}, desk.token, 'GET');
  const practitioner = resources.find((r) => r.name === PRACTITIONER)?.id;
  if (!practitioner) throw new Error(`the demo clinic has no ${PRACTITIONER}`);
  const services = await call<{ id: string; name: string }[]>(baseUrl, 'catalog.services', undefined, desk.token, 'GET');
  const serviceId = services.find((s) => s.name === 'GP consultation')?.id;
  if (!serviceId) throw new Error('the demo clinic has no GP consultation');

  const browser = await chromium.launch({ executablePath: opts.executablePath ?? process.env.FRONTDESK_CHROMIUM ?? '/usr/bin/chromium', args: ARGS });
  const cold: number[] = [];
  const warm: number[] = [];
  const second: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const { context, page } = await newWindow(browser, baseUrl, desk, date);
      cold.push(await timeUntilReady(page, () => page.goto('/')));
      // The persister writes at most once a second; let it land before reloading.
      await page.waitForFunction(() => (localStorage.getItem('frontdesk.cache') ?? '').includes('availability'), undefined, { timeout: 10_000 });
      warm.push(await timeUntilReady(page, () => page.reload()));
      await context.close();
    }

    // Desk B watches the day; desk A (the API) holds a fresh slot each run, then lets it go.
    const { context, page } = await newWindow(browser, baseUrl, desk, date);
    await timeUntilReady(page, () => page.goto('/'));
    const held = `[data-testid="col-${practitioner}"] [data-status="HELD"]`;
    let minute = 9 * 60;
    for (let i = 0; i < runs && minute < 17 * 60; minute += 15) {
      const startsAt = new Date(localMinuteToInstant(date, minute, desk.timeZone)).toISOString();
      // Armed in the page before the request: the page stamps the moment it draws the block.
      await page.evaluate((selector) => {
        const w = window as unknown as { __fdSeen?: number };
        w.__fdSeen = undefined;
        const observer = new MutationObserver(() => {
          if (document.querySelector(selector)) {
            w.__fdSeen = performance.timeOrigin + performance.now();
            observer.disconnect();
          }
        });
        observer.observe(document, { subtree: true, childList: true, attributes: true });
      }, held);
      const start = epochNow();
      let appointment: { id: string; version: number };
      try {
        appointment = await call(baseUrl, 'booking.hold', { branchId: desk.branchId, serviceId, startsAt, resourceIds: [practitioner] }, desk.token);
      } catch {
        continue; // taken or closed: try the next slot
      }
      const seenAt = await page.waitForFunction(() => (window as unknown as { __fdSeen?: number }).__fdSeen, undefined, { timeout: 15_000 });
      second.push(((await seenAt.jsonValue()) as number) - start);
      await call(baseUrl, 'booking.release', { appointmentId: appointment.id, version: appointment.version }, desk.token);
      await page.waitForSelector(held, { state: 'detached', timeout: 15_000 });
      i++;
    }
    await context.close();
  } finally {
    await browser.close();
  }
  if (second.length === 0) throw new Error('no free slot to hold on the bench day');
  return { coldMs: percentiles(cold), warmMs: percentiles(warm), secondDeskMs: percentiles(second), runs };
}

export const bench = benchRenderer;

// Alone: `npx tsx apps/desktop/bench/renderer.ts http://127.0.0.1:4400 [runs]`
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [url = 'http://127.0.0.1:4400', runs] = process.argv.slice(2);
  benchRenderer({ baseUrl: url, runs: runs ? Number(runs) : undefined })
    .then((result) => console.log(JSON.stringify(result, null, 2)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
