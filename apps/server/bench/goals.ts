import type { ServerProcess } from '@frontdesk/server/testing';
import type { BenchClinic, LoadResult } from './booking.js';
import { benchFlashCrowd, type FlashCrowdResult } from './flash-crowd.js';
import { benchFloor, type FloorResult } from './floor.js';
import type { GrowthResult, Timing } from './growth.js';
import { benchCeilings, type CeilingsResult } from './pgbench.js';
import type { PropagationResult } from './propagation.js';
import { round } from './stats.js';

// Issue 12's goals, measured side by side in one `npm run bench`: the
// ceilings (pgbench) and the floor (HTTP/tRPC) around the full stack, the
// flash crowd, cost as data grows, the live feed under load; then one table
// with every ratio and whether each target is met.

const DAY_S = 86_400;

export interface ServerGoals {
  ceilings: CeilingsResult;
  floor: FloorResult;
  flashCrowd: { clients50: FlashCrowdResult; clients500: FlashCrowdResult };
}

/** What runs against the main bench server and its database while both are up (after the throughput scenarios). */
export async function benchServerGoals(ctx: { server: ServerProcess; databaseUrl: string; clinic: BenchClinic; clients: number; seconds: number; log: (line: string) => void }): Promise<ServerGoals> {
  const firstDay = Math.floor(Date.now() / 1000 / DAY_S) + 100;
  ctx.log(`bench: ceilings by pgbench on the same database (${ctx.clients} clients, ${ctx.seconds}s each: lean, lean + NOTIFY, Frontdesk's booking transaction as the runtime role, as the owner, with the NOTIFY in the transaction, the whole request's SQL)`);
  const ceilings = await benchCeilings(ctx.databaseUrl, { clients: ctx.clients, seconds: ctx.seconds, firstDay });
  if ('skipped' in ceilings) ctx.log(`bench: ${ceilings.skipped}`);
  ctx.log('bench: the HTTP/tRPC floor (/healthz, auth.me)');
  const floor = await benchFloor(ctx.server.url, ctx.clinic, { clients: ctx.clients, durationMs: Math.max(2, ctx.seconds / 2) * 1000 });
  ctx.log('bench: flash crowd, 50 then 500 clients on 4 practitioners');
  const clients50 = await benchFlashCrowd(ctx.server, ctx.databaseUrl, ctx.clinic, { clients: 50, practitioners: 4, durationMs: ctx.seconds * 1000, dayOffset: 10 });
  const clients500 = await benchFlashCrowd(ctx.server, ctx.databaseUrl, ctx.clinic, { clients: 500, practitioners: 4, durationMs: ctx.seconds * 1000, dayOffset: 11 });
  return { ceilings, floor, flashCrowd: { clients50, clients500 } };
}

export interface GoalRow {
  goal: string;
  what: string;
  figure: number | string;
  target: string;
  met: 'met' | 'not met' | '—';
}

const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? round(a / b, 3) : Number.NaN);
const verdict = (ok: boolean | null): GoalRow['met'] => (ok === null ? '—' : ok ? 'met' : 'not met');

/** Every figure of issue 12 against its target, plus the ratios that say where the cost is. */
export function goalRows(r: { throughput: LoadResult; prepared: LoadResult; directSql: LoadResult; server: ServerGoals; growth: GrowthResult | { skipped: string }; propagation: PropagationResult; propagationCurve?: PropagationResult[]; propagationLoadCurve?: PropagationResult[] }): GoalRow[] {
  const rows: GoalRow[] = [];
  const c = r.server.ceilings;
  const full = r.throughput.bookingsPerSecond;
  if ('skipped' in c) {
    rows.push({ goal: '5', what: 'ceilings by pgbench in the same run', figure: 'skipped', target: 'measured', met: 'not met' });
  } else {
    rows.push({ goal: '5', what: 'pgbench lean (exclusion insert + event), tx/s', figure: c.lean.tps, target: 'measured in this run', met: 'met' });
    rows.push({ goal: '5', what: 'pgbench lean + NOTIFY, tx/s (÷ lean)', figure: `${c.leanNotify.tps} (${ratio(c.leanNotify.tps, c.lean.tps)})`, target: '—', met: '—' });
    rows.push({ goal: '5', what: "pgbench Frontdesk's booking tx, runtime role, tx/s (÷ lean)", figure: `${c.frontdesk.tps} (${ratio(c.frontdesk.tps, c.lean.tps)})`, target: 'measured in this run', met: 'met' });
    rows.push({ goal: '5', what: `  same as the owner${c.frontdeskOwner.ownerIsSuperuser ? ' (superuser: no RLS)' : ''}, tx/s (÷ lean)`, figure: `${c.frontdeskOwner.tps} (${ratio(c.frontdeskOwner.tps, c.lean.tps)})`, target: '—', met: '—' });
    rows.push({ goal: '5', what: '  same with the NOTIFY inside the transaction, tx/s (÷ lean)', figure: `${c.frontdeskNotifyInTx.tps} (${ratio(c.frontdeskNotifyInTx.tps, c.lean.tps)})`, target: '—', met: '—' });
    rows.push({ goal: '5', what: '  the whole request\'s SQL (session lookup + booking tx), tx/s (÷ lean)', figure: `${c.frontdeskRequest.tps} (${ratio(c.frontdeskRequest.tps, c.lean.tps)})`, target: '—', met: '—' });
    rows.push({ goal: '1', what: 'full stack bookings/s (1 process, 50 clients) ÷ pgbench lean', figure: ratio(full, c.lean.tps), target: '≥ 0.5', met: verdict(ratio(full, c.lean.tps) >= 0.5) });
    rows.push({ goal: '1', what: "  full stack ÷ pgbench Frontdesk's booking tx", figure: ratio(full, c.frontdesk.tps), target: '—', met: '—' });
    rows.push({ goal: '1', what: '  full stack ÷ pgbench whole request SQL', figure: ratio(full, c.frontdeskRequest.tps), target: '—', met: '—' });
    rows.push({ goal: '1', what: '  direct SQL (node-postgres) ÷ pgbench lean', figure: ratio(r.directSql.bookingsPerSecond, c.lean.tps), target: '—', met: '—' });
  }
  rows.push({ goal: '1', what: 'full stack bookings/s, p99 ms', figure: `${full}, p99 ${r.throughput.p99Ms}`, target: '—', met: '—' });
  rows.push({ goal: '1', what: '  same with FRONTDESK_DB_PREPARE=on (statements prepared per connection), bookings/s, p99 ms', figure: `${r.prepared.bookingsPerSecond}, p99 ${r.prepared.p99Ms}${'skipped' in c ? '' : ` (÷ lean ${ratio(r.prepared.bookingsPerSecond, c.lean.tps)})`}`, target: '—', met: '—' });
  rows.push({ goal: '1', what: 'floor: /healthz req/s, p99 ms', figure: `${r.server.floor.healthz.attemptsPerSecond}, p99 ${r.server.floor.healthz.p99Ms}`, target: '—', met: '—' });
  rows.push({ goal: '1', what: 'floor: auth.me (tRPC + session) req/s, p99 ms', figure: `${r.server.floor.authMe.attemptsPerSecond}, p99 ${r.server.floor.authMe.p99Ms}`, target: '—', met: '—' });
  rows.push({ goal: '1', what: '  full stack bookings/s ÷ auth.me req/s', figure: ratio(full, r.server.floor.authMe.attemptsPerSecond), target: '—', met: '—' });
  for (const [key, f] of Object.entries(r.server.flashCrowd)) {
    const n = f.clients;
    rows.push({ goal: '2', what: `flash crowd ${n} clients: attempts/s answered`, figure: f.attemptsPerSecond, target: '≥ 2,000', met: verdict(f.attemptsPerSecond >= 2000) });
    rows.push({ goal: '2', what: `  ${n}: SLOT_TAKEN p50 / p99 ms`, figure: `${f.slotTakenP50Ms} / ${f.slotTakenP99Ms}`, target: key === 'clients50' ? 'p99 ≤ 100' : '—', met: key === 'clients50' ? verdict(f.slotTakenP99Ms <= 100) : '—' });
    rows.push({ goal: '2', what: `  ${n}: losers without alternatives, errors, overlaps in SQL`, figure: `${f.slotTakenWithoutAlternatives}, ${f.errors}, ${f.overlapsInSql}`, target: '0, 0, 0', met: verdict(f.slotTakenWithoutAlternatives === 0 && f.errors === 0 && f.overlapsInSql === 0) });
    if (key === 'clients500') rows.push({ goal: '2', what: '  500: server RSS MiB before / peak / after (VmHWM)', figure: `${f.memory.before?.rssMiB ?? '?'} / ${f.memory.peakRssMiB ?? '?'} / ${f.memory.after?.rssMiB ?? '?'} (${f.memory.after?.hwmMiB ?? '?'})`, target: 'bounded', met: '—' });
  }
  if ('skipped' in r.growth) {
    rows.push({ goal: '3', what: 'cost as data grows', figure: 'skipped', target: '—', met: 'not met' });
  } else {
    const g = r.growth;
    const last = g.steps[g.steps.length - 1]!;
    const size = `${last.appointments.toLocaleString('en')} appts, ${last.events.toLocaleString('en')} events`;
    rows.push({ goal: '3', what: `book at ${size} ÷ at ${g.steps[0]!.appointments.toLocaleString('en')}`, figure: g.bookLargestToFirst, target: '≥ 0.8', met: verdict(g.bookLargestToFirst >= 0.8) });
    const timed = (t: Timing) => (t.errors ? `${t.p99Ms} (${t.errors} of ${t.queries} refused)` : t.p99Ms);
    rows.push({ goal: '3', what: '  availability.day p99 ms', figure: timed(last.daySheet), target: '≤ 30', met: verdict(last.daySheet.p99Ms <= 30 && !last.daySheet.errors) });
    rows.push({ goal: '3', what: '  findSlots (a month) p99 ms', figure: timed(last.findSlotsMonth), target: '≤ 50', met: verdict(last.findSlotsMonth.p99Ms <= 50 && !last.findSlotsMonth.errors) });
    rows.push({ goal: '3', what: '  patient search p99 ms', figure: timed(last.patientSearch), target: '≤ 20', met: verdict(last.patientSearch.p99Ms <= 20 && !last.patientSearch.errors) });
    const cu = last.catchUp10k;
    rows.push({ goal: '3', what: '  a desk catching up 10k events, ms', figure: cu.outcome === 'caught up' ? cu.ms : `${cu.outcome} after ${cu.ms}`, target: '≤ 1,000', met: verdict(cu.outcome === 'caught up' && cu.ms <= 1000) });
    rows.push({ goal: '3', what: '  (catching up 5k events, ms)', figure: last.catchUp5k.outcome === 'caught up' ? last.catchUp5k.ms : `${last.catchUp5k.outcome} after ${last.catchUp5k.ms}`, target: '—', met: '—' });
    const maxed = last.appointments < 1_000_000;
    if (maxed) rows.push({ goal: '3', what: '  (largest step below 1M: BENCH_GROWTH_MAX)', figure: last.appointments, target: '1,000,000', met: 'not met' });
  }
  const p = r.propagation;
  rows.push({ goal: '4', what: `live feed p50 / p99 ms (${p.subscribers} subscribers, ${p.processes} processes, ${p.bookingLoad.achievedPerSecond}/${p.bookingLoad.perSecond} bookings/s made)`, figure: `${p.p50Ms} / ${p.p99Ms}`, target: 'p99 ≤ 50 at 200/s', met: verdict(p.p99Ms <= 50 && p.bookingLoad.achievedPerSecond >= 200 * 0.95 && p.subscribers >= 500 && p.missing === 0) });
  const side = (x: { p50AtMostMs: number; p99AtMostMs: number; within50Ms: number }) => `p50 ≤ ${x.p50AtMostMs}, p99 ≤ ${x.p99AtMostMs}, ${Math.round(x.within50Ms * 100)}% within 50 ms`;
  rows.push({ goal: '4', what: '  the servers\' own view: commit → reader hand-off (histogram bucket, ms)', figure: side(p.server.readerHandOff), target: '—', met: '—' });
  rows.push({ goal: '4', what: '  the servers\' own view: commit → message sent on each desk\'s stream (ms)', figure: side(p.server.streamSend), target: '—', met: '—' });
  rows.push({ goal: '4', what: `  deliveries missing, streams ended early (desks in ${p.deskProcesses} processes of their own)`, figure: `${p.missing}, ${p.endedStreams}`, target: '0', met: '—' });
  const cores = (x: PropagationResult) => `servers ${x.cpuCores.servers}, desks ${x.cpuCores.desks}, Postgres ${x.cpuCores.postgres}, bench ${x.cpuCores.bench} of ${x.cpuCores.machine}`;
  rows.push({ goal: '4', what: '  CPU asked of the machine meanwhile, cores', figure: cores(p), target: '—', met: '—' });
  const curve = r.propagationCurve ?? [];
  for (const c of curve) {
    rows.push({ goal: '4', what: `  without booking load, ${c.subscribers} subscribers: p50 / p99 ms (CPU cores meanwhile)`, figure: `${c.p50Ms} / ${c.p99Ms} (${cores(c)})`, target: '—', met: '—' });
  }
  for (const c of r.propagationLoadCurve ?? []) {
    rows.push({ goal: '4', what: `  ${c.subscribers} subscribers beside ${c.bookingLoad.perSecond} bookings/s (${c.bookingLoad.achievedPerSecond} made): p50 / p99 ms (CPU cores)`, figure: `${c.p50Ms} / ${c.p99Ms} (${cores(c)})`, target: '—', met: '—' });
  }
  if (curve.length >= 2) {
    // What one more delivered message costs the servers, between the curve's ends (their fixed costs cancel out).
    const perSecond = (c: PropagationResult) => (c.ratePerSecond * c.samples) / Math.max(1, c.events);
    const [first, last] = [curve[0]!, curve[curve.length - 1]!];
    const ms = round(((last.cpuCores.servers - first.cpuCores.servers) * 1000) / Math.max(1, perSecond(last) - perSecond(first)), 3);
    rows.push({ goal: '4', what: `  server CPU per delivered message (${first.subscribers} → ${last.subscribers} subscribers), ms`, figure: ms, target: '—', met: '—' });
  }
  return rows;
}

/** The growth curve, one line per step. */
export function growthTable(g: GrowthResult): Record<string, Record<string, number | string>> {
  const table: Record<string, Record<string, number | string>> = {};
  for (const s of g.steps) {
    table[`${s.appointments.toLocaleString('en')} appts`] = {
      events: s.events,
      'seed s': s.seedSeconds,
      'book/s': s.book.bookingsPerSecond,
      'book p99': s.book.p99Ms,
      'day p99': s.daySheet.errors ? `${s.daySheet.p99Ms} (${s.daySheet.errors} refused)` : s.daySheet.p99Ms,
      'findSlots p99': s.findSlotsMonth.errors ? `${s.findSlotsMonth.p99Ms} (${s.findSlotsMonth.errors} refused)` : s.findSlotsMonth.p99Ms,
      'search p99': s.patientSearch.errors ? `${s.patientSearch.p99Ms} (${s.patientSearch.errors} refused)` : s.patientSearch.p99Ms,
      'catch-up 10k ms': s.catchUp10k.outcome === 'caught up' ? s.catchUp10k.ms : s.catchUp10k.outcome,
      'catch-up 5k ms': s.catchUp5k.outcome === 'caught up' ? s.catchUp5k.ms : s.catchUp5k.outcome,
    };
  }
  return table;
}

/** The goals table as Markdown, for the README's figures section. */
export function goalsMarkdown(rows: readonly GoalRow[]): string {
  const cell = (v: number | string) => String(v).replace(/\|/g, '\\|');
  return ['| goal | what | figure | target | |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.goal} | ${cell(r.what.trim())} | ${cell(r.figure)} | ${cell(r.target)} | ${r.met} |`)].join('\n');
}

/** latest.md: the machine and date, the goals table, and the growth curve, as the README's figures section shows them. */
export function resultsMarkdown(r: { date: string; machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] }; postgres: string; targets: readonly GoalRow[]; growth: GrowthResult | { skipped: string } }): string {
  const m = r.machine;
  const lines = [
    `Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Postgres ${r.postgres}, Node ${m.node}, the server ${process.env.FRONTDESK_SERVER === 'built' ? 'as built (node dist/main.js, as a clinic runs it)' : 'from source (tsx)'}; load average ${m.loadAverageAtStart.join(' ')} at the start, ${m.loadAverageAtEnd.join(' ')} at the end (a shared machine: compare figures within the run).`,
    '',
    goalsMarkdown(r.targets),
  ];
  if (!('skipped' in r.growth)) {
    const table = growthTable(r.growth);
    const heads = Object.keys(Object.values(table)[0] ?? {});
    lines.push('', `Cost as data grows (${r.growth.resources.toLocaleString('en')} practitioners, ${r.growth.patients.toLocaleString('en')} patients; seeding took ${r.growth.seedSeconds} s; times in ms):`, '');
    lines.push(`| appointments | ${heads.join(' | ')} |`, `|---|${heads.map(() => '---').join('|')}|`);
    for (const [step, row] of Object.entries(table)) lines.push(`| ${step} | ${heads.map((h) => String(row[h])).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
