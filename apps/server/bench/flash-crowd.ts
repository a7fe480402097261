import { readdirSync, readFileSync } from 'node:fs';
import { TRPCClientError } from '@trpc/client';
import type { ServerProcess } from '@frontdesk/server/testing';
import { BENCH_PASSWORD, benchDay, overlapCount, trpcClient, type BenchClinic } from './booking.js';
import { percentile, round } from './stats.js';

// A flash crowd: a vaccination drive opens a few practitioners' mornings and
// every caller books at once. Most attempts lose; each loser must hear
// SLOT_TAKEN with alternatives, fast, and the server's memory must stay bounded.

const MINUTE = 60_000;

export interface ServerMemory {
  /** Resident set of the server's node process now, MiB. */
  rssMiB: number;
  /** The highest resident set it has had since it started (VmHWM), MiB. */
  hwmMiB: number;
  pid: number;
}

export interface FlashCrowdResult {
  clients: number;
  practitioners: number;
  seconds: number;
  attempts: number;
  attemptsPerSecond: number;
  booked: number;
  /** SLOT_TAKEN answers that named at least one alternative. */
  slotTakenWithAlternatives: number;
  /** SLOT_TAKEN answers without any alternative (the goal wants none). */
  slotTakenWithoutAlternatives: number;
  errors: number;
  firstErrors: string[];
  /** All answers. */
  p50Ms: number;
  p99Ms: number;
  /** The SLOT_TAKEN answers only. */
  slotTakenP50Ms: number;
  slotTakenP99Ms: number;
  overlapsInSql: number;
  memory: { before: ServerMemory | null; peakRssMiB: number | null; after: ServerMemory | null };
}

/**
 * The memory of a server started by startServerProcess: tsx runs the server in
 * a child node process of the same process group, so the largest resident
 * process of the group is the server.
 */
export function serverMemory(server: ServerProcess): ServerMemory | null {
  const group = server.child.pid;
  if (!group) return null;
  let best: ServerMemory | null = null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command (which may hold spaces) start after the last ')': state, ppid, pgrp.
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgrp !== group) continue;
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const kib = (field: string) => Number(status.match(new RegExp(`${field}:\\s+(\\d+) kB`))?.[1] ?? 0);
      const memory = { rssMiB: round(kib('VmRSS') / 1024, 1), hwmMiB: round(kib('VmHWM') / 1024, 1), pid: Number(entry) };
      if (!best || memory.rssMiB > best.rssMiB) best = memory;
    } catch {
      // The process ended while we looked.
    }
  }
  return best;
}

export async function benchFlashCrowd(server: ServerProcess, databaseUrl: string, clinic: BenchClinic, opts: { clients: number; practitioners: number; durationMs: number; dayOffset: number }): Promise<FlashCrowdResult> {
  const token = (await trpcClient(server.url).auth.login.mutate({ email: clinic.staffEmail, password: BENCH_PASSWORD, desk: 'flash crowd' })).token;
  const clients = Array.from({ length: opts.clients }, () => trpcClient(server.url, token));
  const day = benchDay(opts.dayOffset);
  const resources = clinic.resources.slice(0, opts.practitioners);
  const before = serverMemory(server);
  let peakRss = before?.rssMiB ?? null;
  const sampler = setInterval(() => {
    const now = serverMemory(server);
    if (now && (peakRss === null || now.rssMiB > peakRss)) peakRss = now.rssMiB;
  }, 250);

  const all: number[] = [];
  const taken: number[] = [];
  const outcome = { booked: 0, withAlternatives: 0, withoutAlternatives: 0, errors: 0 };
  const firstErrors: string[] = [];
  let patient = 0;
  const started = performance.now();
  const deadline = started + opts.durationMs;
  try {
    await Promise.all(
      clients.map(async (api, c) => {
        for (let n = 0; performance.now() < deadline; n++) {
          // Starts on a 5-minute grid over two hours: 10-minute visits overlap their neighbours.
          const slot = (c * 7 + n * 13) % 24;
          const t0 = performance.now();
          try {
            await api.booking.book.mutate({
              branchId: clinic.branchId,
              serviceId: clinic.serviceId,
              resourceIds: [resources[(c + n) % resources.length]!],
              startsAt: new Date(day + 9 * 60 * MINUTE + slot * 5 * MINUTE).toISOString(),
              patientId: clinic.patients[patient++ % clinic.patients.length]!,
            });
            outcome.booked++;
            all.push(performance.now() - t0);
          } catch (error) {
            const ms = performance.now() - t0;
            all.push(ms);
            const domain = error instanceof TRPCClientError ? (error.data as { domain?: { code?: string; details?: { alternatives?: unknown[] } } } | undefined)?.domain : undefined;
            if (domain?.code === 'SLOT_TAKEN') {
              taken.push(ms);
              if ((domain.details?.alternatives?.length ?? 0) > 0) outcome.withAlternatives++;
              else outcome.withoutAlternatives++;
            } else {
              outcome.errors++;
              if (firstErrors.length < 3) firstErrors.push(domain?.code ?? (error instanceof Error ? error.message.slice(0, 200) : String(error)));
            }
          }
        }
      }),
    );
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  all.sort((a, b) => a - b);
  taken.sort((a, b) => a - b);
  return {
    clients: opts.clients,
    practitioners: opts.practitioners,
    seconds: round(seconds),
    attempts: all.length,
    attemptsPerSecond: round(all.length / seconds, 1),
    booked: outcome.booked,
    slotTakenWithAlternatives: outcome.withAlternatives,
    slotTakenWithoutAlternatives: outcome.withoutAlternatives,
    errors: outcome.errors,
    firstErrors,
    p50Ms: round(percentile(all, 50)),
    p99Ms: round(percentile(all, 99)),
    slotTakenP50Ms: round(percentile(taken, 50)),
    slotTakenP99Ms: round(percentile(taken, 99)),
    overlapsInSql: await overlapCount(databaseUrl),
    memory: { before, peakRssMiB: peakRss, after: serverMemory(server) },
  };
}
