import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { slotLockKeys } from '../booking/booking.repository.js';
import type { Deps } from '../deps.js';
import { appRouter } from '../router.js';
import type { DemoClinic } from '../seed/demo.js';
import { createCallerFactory } from '../trpc/init.js';
import { anonymousCaller, type Caller } from './callers.js';
import { at, upcoming } from './race.js';

// For the observability tests: a patient whose details must never reach a
// span, a metric or a log line, and bookings of the demo clinic's GP.

const NY = 'America/New_York';
const callerFactory = createCallerFactory(appRouter);

export const WATCHED_PATIENT = { name: 'Zebulon Quixote-Marchetti', phone: '+1 646 555 0142' } as const;

/** Every form in which the patient's details, or a session token, could leak into text. */
export function secretsOf(token: string): string[] {
  return [WATCHED_PATIENT.name, 'Quixote', WATCHED_PATIENT.phone, WATCHED_PATIENT.phone.replace(/\D/g, ''), '555 0142', token];
}

/** The secrets that appear in `text`. */
export function leaked(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((s) => text.includes(s));
}

/** A signed-in receptionist's caller, with the token (to check it never leaks). */
export async function signedIn(deps: Deps, demo: DemoClinic): Promise<{ token: string; desk: Caller }> {
  const { token } = await anonymousCaller(deps).auth.login({ email: demo.staff.receptionist.email, password: demo.password, desk: 'front desk' });
  return { token, desk: callerFactory({ deps, token, ip: '127.0.0.1', actor: null }) };
}

/** A GP booking at Midtown with Dr Carter and a room, next Monday at `hhmm` (New York time). */
export function gpBooking(demo: DemoClinic, hhmm: string, patientId: string) {
  return {
    branchId: demo.branches.east,
    serviceId: demo.services.gp,
    resourceIds: [demo.resources.drCarter!, demo.resources.eastRoom1!],
    startsAt: at(upcoming(1, NY), hhmm, NY),
    patientId,
  };
}

/** The value of one series in Prometheus's text format, or undefined when it is absent. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

/** Waits until `count` transactions queue for advisory locks (a booking waiting for its slot's lock). */
export async function untilLockWaiters(sql: pg.Pool, count: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`);
    if (rows[0]!.n >= count) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} advisory-lock waiters`);
    await sleep(20);
  }
}

/** The advisory-lock key that Dr Carter's slot of `booking` takes first; holding it stalls the booking. */
export function drCarterLock(demo: DemoClinic, booking: { startsAt: string }): string {
  const start = new Date(booking.startsAt);
  return slotLockKeys([demo.resources.drCarter!], { start, end: new Date(start.getTime() + 15 * 60_000) })[0]!.toString();
}

/** A tRPC call over plain HTTP, as any client sends it: a mutation posts its input, a query puts it in the URL. */
export async function trpcCall(
  baseUrl: string,
  path: string,
  input: unknown,
  options: { token?: string; query?: boolean; requestId?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.requestId) headers['x-request-id'] = options.requestId;
  const url = `${baseUrl}/trpc/${path}`;
  return options.query ? fetch(`${url}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers }) : fetch(url, { method: 'POST', headers, body: JSON.stringify(input) });
}

/** The data of a successful tRPC answer. */
export async function dataOf<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);
  return ((await response.json()) as { result: { data: T } }).result.data;
}
