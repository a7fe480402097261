import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { expect } from 'vitest';
import type { AppointmentView } from '@frontdesk/shared';
import type { DemoClinic } from '../seed/demo.js';
import type { Deps } from '../deps.js';
import { callerFor, type Caller } from './callers.js';
import { failureCode } from './errors.js';
import { appointmentsByKey, checkIntegrity, intact } from './integrity.js';
import { at, upcoming } from './race.js';

// Desks booking in a burst while the database fails under them, the way
// people press "Book" again: each try bounded in time, a retryable refusal
// tried again with the same idempotency key, any other answer final.

export interface Attempt {
  /** Milliseconds since the burst began. */
  at: number;
  ms: number;
  /** 'OK', a domain code, a tRPC code, or 'HUNG' when the try outlived its bound. */
  outcome: string;
}

export interface Outcome<T> {
  key: string;
  /** The last try's outcome. */
  final: string;
  value: T | null;
  attempts: Attempt[];
}

export interface PersistOptions {
  /** When the whole burst began, for the timeline. */
  startedAt: number;
  /** A try that takes longer is recorded as HUNG: the server owes an answer within this. */
  tryTimeoutMs: number;
  /** Stop trying once this instant passes. */
  deadline: number;
  pauseMs?: number;
}

/**
 * Outcomes a desk meets with "try again". INTERNAL_SERVER_ERROR is tried
 * again too, so the database check still means something, but the tests
 * count it as a failure of the server's own.
 */
export const RETRY_CODES: ReadonlySet<string> = new Set(['UNAVAILABLE', 'INTERNAL_SERVER_ERROR']);

export async function persist<T>(key: string, call: () => Promise<T>, options: PersistOptions): Promise<Outcome<T>> {
  const attempts: Attempt[] = [];
  for (;;) {
    const begun = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<{ hung: true }>((resolve) => {
      timer = setTimeout(() => resolve({ hung: true }), options.tryTimeoutMs);
    });
    const settled = await Promise.race([
      call().then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
      bound,
    ]);
    clearTimeout(timer);
    const outcome = 'hung' in settled ? 'HUNG' : settled.ok ? 'OK' : (failureCode(settled.error) ?? 'UNKNOWN');
    attempts.push({ at: begun - options.startedAt, ms: Date.now() - begun, outcome });
    if ('hung' in settled || outcome === 'OK' || !RETRY_CODES.has(outcome) || Date.now() > options.deadline) {
      return { key, final: outcome, value: !('hung' in settled) && settled.ok ? settled.value : null, attempts };
    }
    await sleep(options.pauseMs ?? 100);
  }
}

/** Every try's outcome, counted: a line for the test's output. */
export function tally(outcomes: readonly Outcome<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) for (const a of o.attempts) counts[a.outcome] = (counts[a.outcome] ?? 0) + 1;
  return counts;
}

export interface BookingBurst {
  clinic: DemoClinic;
  /** One caller per desk; desks 2k and 2k+1 want the same slots, so one of each pair wins every slot. */
  desks: Caller[];
  perDesk: number;
  /** Which week ahead the slots are in (a clinic booked twice uses two weeks). */
  week?: number;
  /** Started once this many bookings have succeeded; the burst goes on around it. None: the fault is there from the start. */
  fault?: { after: number; run: () => Promise<void> };
  tryTimeoutMs: number;
  /** The longest the whole burst may take. */
  budgetMs: number;
}

export interface BurstResult {
  startedAt: number;
  outcomes: Outcome<AppointmentView>[];
}

const NY = 'America/New_York';
/** GP slots a day from 09:00, within Dr Carter's hours. */
const SLOTS_A_DAY = 24;

/** The slot desk `desk`'s `n`th booking aims at. */
function slot(desks: number, desk: number, n: number, week: number): string {
  const index = n * (desks / 2) + Math.floor(desk / 2);
  const day = upcoming(1 + (Math.floor(index / SLOTS_A_DAY) % 5), NY, week + Math.floor(index / (SLOTS_A_DAY * 5)));
  const minute = 9 * 60 + (index % SLOTS_A_DAY) * 15;
  return at(day, `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`, NY);
}

/** `count` desks signed in as the clinic's call centre, one after another (the sign-in throttle counts attempts under way). */
export async function signIn(deps: Deps, clinic: DemoClinic, count: number): Promise<Caller[]> {
  const desks: Caller[] = [];
  for (let i = 0; i < count; i++) desks.push(await callerFor(deps, clinic.staff.callCentre.email, clinic.password, `desk ${i}`));
  return desks;
}

/** When a fault's outage began and when it was over (0 until then), for a test's report. */
export interface OutageTimes {
  startedAt: number;
  endedAt: number;
}

/** A fault that breaks something once `after` bookings succeeded, keeps it broken for `forMs`, then mends it. */
export function outage(after: number, forMs: number, steps: { begin: () => unknown; end: () => unknown }): { fault: NonNullable<BookingBurst['fault']>; times: OutageTimes } {
  const times: OutageTimes = { startedAt: 0, endedAt: 0 };
  const run = async () => {
    times.startedAt = Date.now();
    await steps.begin();
    await sleep(forMs);
    await steps.end();
    times.endedAt = Date.now();
  };
  return { fault: { after, run }, times };
}

/** Each desk books its slots one after another, all desks at once; the fault strikes part-way. */
export async function bookingBurst(b: BookingBurst): Promise<BurstResult> {
  const startedAt = Date.now();
  const deadline = startedAt + b.budgetMs;
  let successes = 0;
  let fault: Promise<void> | null = null;
  const runs = b.desks.map(async (desk, d) => {
    const outcomes: Outcome<AppointmentView>[] = [];
    for (let n = 0; n < b.perDesk; n++) {
      const key = `week${b.week ?? 2}-desk${d}-booking${n}`;
      const input = {
        branchId: b.clinic.branches.east,
        serviceId: b.clinic.services.gp,
        resourceIds: [b.clinic.resources.drCarter!, b.clinic.resources.eastRoom1!],
        startsAt: slot(b.desks.length, d, n, b.week ?? 2),
        patientId: b.clinic.patients[d * b.perDesk + n]!,
        idempotencyKey: key,
      };
      const outcome = await persist(key, () => desk.booking.book(input), { startedAt, tryTimeoutMs: b.tryTimeoutMs, deadline, pauseMs: 200 });
      if (outcome.final === 'OK' && ++successes === b.fault?.after) fault = b.fault.run();
      outcomes.push(outcome);
    }
    return outcomes;
  });
  const outcomes = (await Promise.all(runs)).flat();
  if (b.fault && !fault) throw new Error(`The burst ended before the fault: only ${successes} bookings succeeded`);
  await fault;
  return { startedAt, outcomes };
}

/**
 * What a burst must leave behind: every call answered (never hung, never an
 * internal error), nothing half-written, one appointment per key and the
 * answer each desk got is that appointment, one winner per slot.
 */
export async function expectBurstKept(sql: pg.Pool, burst: BookingBurst, result: BurstResult): Promise<void> {
  const { outcomes } = result;
  const seen = new Set(outcomes.flatMap((o) => o.attempts.map((a) => a.outcome)));
  expect([...seen].filter((c) => !['OK', 'SLOT_TAKEN', 'UNAVAILABLE'].includes(c)), 'outcomes other than an answer or a retryable refusal').toEqual([]);
  expect(outcomes.filter((o) => o.final !== 'OK' && o.final !== 'SLOT_TAKEN').map((o) => o.key), 'calls still failing at the end').toEqual([]);

  const report = await checkIntegrity(sql, burst.clinic.tenantId);
  expect(report).toEqual(intact(report.appointments));
  const byKey = await appointmentsByKey(sql, burst.clinic.tenantId);
  const prefix = `week${burst.week ?? 2}-`;
  for (const o of outcomes) {
    if (o.final === 'OK') expect(o.value?.id, `the appointment key ${o.key} made`).toBe(byKey.get(o.key));
    else expect(byKey.has(o.key), `no appointment for ${o.key}, refused with ${o.final}`).toBe(false);
  }
  expect([...byKey.keys()].filter((k) => k.startsWith(prefix)).length).toBe(outcomes.filter((o) => o.final === 'OK').length);
  expect(outcomes.filter((o) => o.final === 'OK').length, 'one winner per slot').toBe((burst.desks.length / 2) * burst.perDesk);
}

/** When the first booking after `since` (an instant) completed, in ms after it; null if none. */
export function firstSuccessAfter(result: BurstResult, since: number): number | null {
  const ends = result.outcomes.flatMap((o) => o.attempts.filter((a) => a.outcome === 'OK' && result.startedAt + a.at >= since).map((a) => result.startedAt + a.at + a.ms));
  return ends.length ? Math.min(...ends) - since : null;
}

/** The longest any try that was under way during [from, to) took to end after `from`. */
export function longestWaitDuring(result: BurstResult, from: number, to: number): number {
  let longest = 0;
  for (const o of result.outcomes) {
    for (const a of o.attempts) {
      const begun = result.startedAt + a.at;
      const ended = begun + a.ms;
      if (begun < to && ended > from) longest = Math.max(longest, ended - Math.max(begun, from));
    }
  }
  return longest;
}
