// Over 300 lines: the model, the command generators and the invariant checks of one property test belong together.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppointmentView } from '@frontdesk/shared';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { domainOf } from '../testing/errors.js';
import { at, race, upcoming } from '../testing/race.js';

// Random programs of concurrent front-desk commands over a few resources,
// patients and overlapping times. Whatever the interleaving, every command
// either succeeds or fails with a code a desk can act on, and afterwards the
// database itself (read with SQL, past the service) still keeps every booking
// invariant and shows what the successful commands did.

const NY = 'America/New_York';
const RUNS = 30;
const PATIENTS = 5;
/** The refusals a desk can act on; anything else (an internal error, a raw Postgres error) breaks the property. */
const ACCEPTED = new Set(['SLOT_TAKEN', 'STALE', 'HOLD_EXPIRED', 'OUT_OF_STOCK', 'INVALID_STATE', 'OUTSIDE_HOURS']);

type ServiceKey = 'gp' | 'checkup' | 'cleaning';
type ProductKey = 'brush' | 'mouthwash' | 'brace';
interface Line {
  product: ProductKey;
  quantity: number;
}

type Cmd =
  | { kind: 'hold'; desk: number; service: ServiceKey; time: string; pick: number; patient: number | null }
  | { kind: 'book'; desk: number; service: ServiceKey; time: string; pick: number; patient: number; products: Line[] }
  | { kind: 'confirm'; desk: number; ref: number; stale: boolean; patient: number; products: Line[] }
  | { kind: 'move'; desk: number; ref: number; stale: boolean; time: string; pick: number | null }
  | { kind: 'cancel'; desk: number; ref: number; stale: boolean }
  | { kind: 'release'; desk: number; ref: number; stale: boolean; versioned: boolean }
  | { kind: 'checkIn'; desk: number; ref: number; stale: boolean }
  | { kind: 'issueToken'; desk: number; patient: number }
  /** Time passes for one hold: its deadline is put behind us, as a clock would. */
  | { kind: 'expireHold'; ref: number }
  | { kind: 'sweep' };

let db: TestDatabase;
let demo: DemoClinic;
let desks: Caller[];
let tokenDesks: Caller[];
let day: string;
let seededStock: { productId: string; branchId: string; quantity: number }[];
const tally = { programs: 0, batches: 0, commands: 0, outcomes: new Map<string, number>() };

// ---- generators ------------------------------------------------------------

const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
// 10:00–11:30 in 5-minute steps, so consults and cleanings overlap a lot; now
// and then a time before some practitioners start work.
const timeArb = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 18 }).map((i) => hhmm(600 + 5 * i)) },
  { weight: 1, arbitrary: fc.constantFrom('08:40', '09:40') },
);
const serviceArb = fc.constantFrom<ServiceKey>('gp', 'gp', 'checkup', 'cleaning');
const patientArb = fc.nat(PATIENTS - 1);
const deskArb = fc.nat(3);
const refArb = fc.nat(50);
const staleArb = fc.nat(3).map((n) => n === 0);
// Mouthwash (12 in stock at the east branch) comes up most, so it runs out.
// One line per product, as the desk's basket sends them.
const linesArb = fc.uniqueArray(fc.record({ product: fc.constantFrom<ProductKey>('mouthwash', 'mouthwash', 'brush', 'brace'), quantity: fc.integer({ min: 1, max: 5 }) }), {
  maxLength: 2,
  selector: (l) => l.product,
});

const holdArb = fc.record({ kind: fc.constant('hold' as const), desk: deskArb, service: serviceArb, time: timeArb, pick: fc.nat(20), patient: fc.option(patientArb, { freq: 3 }) });
const bookArb = fc.record({ kind: fc.constant('book' as const), desk: deskArb, service: serviceArb, time: timeArb, pick: fc.nat(20), patient: patientArb, products: linesArb });
const createArb: fc.Arbitrary<Cmd> = fc.oneof(holdArb, bookArb);
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 3, arbitrary: holdArb },
  { weight: 3, arbitrary: bookArb },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('confirm' as const), desk: deskArb, ref: refArb, stale: staleArb, patient: patientArb, products: linesArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('move' as const), desk: deskArb, ref: refArb, stale: staleArb, time: timeArb, pick: fc.option(fc.nat(20), { freq: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), desk: deskArb, ref: refArb, stale: staleArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), desk: deskArb, ref: refArb, stale: staleArb, versioned: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('checkIn' as const), desk: deskArb, ref: refArb, stale: staleArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('issueToken' as const), desk: deskArb, patient: patientArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expireHold' as const), ref: refArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sweep' as const) }) },
);
// The first batch only creates, so later batches have appointments to refer to.
const programArb = fc
  .tuple(fc.array(createArb, { minLength: 3, maxLength: 7 }), fc.array(fc.array(cmdArb, { minLength: 2, maxLength: 8 }), { minLength: 2, maxLength: 4 }))
  .map(([first, rest]) => [first, ...rest]);

// ---- running a program -----------------------------------------------------

/** Resources a desk may pick for a service (empty: the server picks); a few, so they collide. */
function choices(service: ServiceKey): string[][] {
  const r = demo.resources;
  if (service === 'gp') {
    return [[], [r.drCarter!], [r.drRao!], [r.drCarter!, r.eastRoom1!], [r.drRao!, r.eastRoom2!], [r.eastRoom1!], [r.drRao!, r.eastRoom1!]];
  }
  return [[], [r.drKim!], [r.drNair!], [r.drKim!, r.eastChairA!], [r.drNair!, r.eastChairB!], [r.eastChairA!]];
}
const pickFrom = <T,>(list: readonly T[], n: number): T => list[n % list.length]!;
const productLines = (lines: readonly Line[]) => lines.map((l) => ({ productId: demo.products[l.product], quantity: l.quantity }));

interface Known {
  id: string;
  service: ServiceKey;
  /** The newest version any desk has seen, and its status then. */
  version: number;
  status: string;
}

/** A command the server reported as done, and what it said the appointment became. */
interface Success {
  kind: Cmd['kind'];
  view: AppointmentView;
  /** Product lines it sold (book and confirm). */
  lines: Line[] | null;
}

interface Ledger {
  known: Known[];
  created: Set<string>;
  successes: Success[];
  tokens: { patientId: string; number: number }[];
}

type Outcome = { code: string; view?: AppointmentView; token?: { patientId: string; number: number }; error?: unknown };

async function run(cmd: Cmd, pool: readonly Known[]): Promise<Outcome> {
  const startsAt = (time: string) => at(day, time, NY);
  const base = { branchId: demo.branches.east };
  if (cmd.kind === 'hold' || cmd.kind === 'book') {
    const resourceIds = pickFrom(choices(cmd.service), cmd.pick);
    const serviceId = demo.services[cmd.service];
    const desk = desks[cmd.desk]!;
    const view =
      cmd.kind === 'hold'
        ? await desk.booking.hold({ ...base, serviceId, resourceIds, startsAt: startsAt(cmd.time), ...(cmd.patient === null ? {} : { patientId: demo.patients[cmd.patient]! }) })
        : await desk.booking.book({ ...base, serviceId, resourceIds, startsAt: startsAt(cmd.time), patientId: demo.patients[cmd.patient]!, products: productLines(cmd.products) });
    return { code: 'OK', view };
  }
  if (cmd.kind === 'sweep') {
    await db.deps.holdExpiry.expireDue();
    return { code: 'OK' };
  }
  if (cmd.kind === 'issueToken') {
    const patientId = demo.patients[cmd.patient]!;
    const { token } = await pickFrom(tokenDesks, cmd.desk).booking.issueToken({ sessionId: demo.sessionId, patientId });
    return { code: 'OK', token: { patientId, number: token.number } };
  }
  if (pool.length === 0) return { code: 'SKIPPED' };
  // Desks act on what they last saw: confirms, releases and expiries go for holds, check-ins for bookings.
  const wants = cmd.kind === 'confirm' || cmd.kind === 'release' || cmd.kind === 'expireHold' ? 'HELD' : cmd.kind === 'checkIn' ? 'BOOKED' : null;
  const fitting = pool.filter((k) => k.status === wants);
  const target = pickFrom(fitting.length ? fitting : pool, cmd.ref);
  if (cmd.kind === 'expireHold') {
    await db.sql.query(`UPDATE appointment SET hold_expires_at = now() - interval '1 second' WHERE id = $1 AND status = 'HELD'`, [target.id]);
    return { code: 'OK' };
  }
  // A stale edit on purpose: the version before the newest one seen.
  const version = cmd.stale ? Math.max(1, target.version - 1) : target.version;
  const ref = { appointmentId: target.id, version };
  const desk = desks[cmd.desk]!.booking;
  switch (cmd.kind) {
    case 'confirm':
      return { code: 'OK', view: await desk.confirm({ ...ref, patientId: demo.patients[cmd.patient]!, products: productLines(cmd.products) }) };
    case 'move':
      return { code: 'OK', view: await desk.move({ ...ref, startsAt: startsAt(cmd.time), ...(cmd.pick === null ? {} : { resourceIds: pickFrom(choices(target.service), cmd.pick) }) }) };
    case 'cancel':
      return { code: 'OK', view: await desk.cancel({ ...ref, reason: 'patient called' }) };
    case 'release':
      return { code: 'OK', view: await desk.release(cmd.versioned ? ref : { appointmentId: target.id }) };
    case 'checkIn':
      return { code: 'OK', view: await desk.checkIn(ref) };
  }
}

function describeFailure(error: unknown): string {
  const domain = domainOf(error);
  if (domain) return `${domain.code}: ${domain.message}`;
  const e = error as { name?: string; code?: string; message?: string; cause?: { name?: string; code?: string; message?: string } };
  return `${e.name ?? 'Error'} ${e.code ?? ''} ${e.message ?? String(error)}${e.cause ? ` (cause: ${e.cause.name ?? ''} ${e.cause.code ?? ''} ${e.cause.message ?? ''})` : ''}`;
}

/** Runs one batch with every command started at the same moment; returns the unacceptable outcomes. */
async function runBatch(batch: readonly Cmd[], ledger: Ledger): Promise<string[]> {
  const pool = [...ledger.known];
  const settled = await race(batch.length, (i) => run(batch[i]!, pool));
  const problems: string[] = [];
  settled.forEach((result, i) => {
    const cmd = batch[i]!;
    let outcome: Outcome;
    if (result.status === 'fulfilled') outcome = result.value;
    else {
      const domain = domainOf(result.reason);
      outcome = { code: domain && ACCEPTED.has(domain.code) ? domain.code : 'UNACCEPTABLE', error: result.reason };
      if (domain?.code === 'STALE') learn(ledger, domain.details.current as AppointmentView);
    }
    const key = `${cmd.kind}:${outcome.code}`;
    tally.outcomes.set(key, (tally.outcomes.get(key) ?? 0) + 1);
    if (outcome.code === 'SKIPPED') return;
    tally.commands++;
    if (outcome.code === 'UNACCEPTABLE') problems.push(`${cmd.kind} ${JSON.stringify(cmd)} failed with ${describeFailure(outcome.error)}`);
    if (outcome.view) {
      if (cmd.kind === 'hold' || cmd.kind === 'book') {
        ledger.created.add(outcome.view.id);
        ledger.known.push({ id: outcome.view.id, service: cmd.service, version: outcome.view.version, status: outcome.view.status });
      } else learn(ledger, outcome.view);
      const lines = cmd.kind === 'book' || cmd.kind === 'confirm' ? cmd.products : null;
      ledger.successes.push({ kind: cmd.kind, view: outcome.view, lines });
    }
    if (outcome.token) ledger.tokens.push(outcome.token);
  });
  return problems;
}

function learn(ledger: Ledger, view: AppointmentView): void {
  const known = ledger.known.find((k) => k.id === view.id);
  if (known && view.version >= known.version) {
    known.version = view.version;
    known.status = view.status;
  }
}

// ---- the database, read directly ----------------------------------------

/** Every invariant the schema promises, checked with SQL; returns what is broken. */
async function brokenInvariants(): Promise<string[]> {
  const broken: string[] = [];
  const q = async (text: string, values: unknown[] = []) => (await db.sql.query(text, values)).rows;

  const resourceOverlaps = await q(`
    SELECT x.resource_id, x.appointment_id AS a, y.appointment_id AS b FROM appointment_resource x JOIN appointment_resource y
      ON x.resource_id = y.resource_id AND x.appointment_id < y.appointment_id
     WHERE x.active AND y.active AND tstzrange(x.starts_at, x.ends_at, '[)') && tstzrange(y.starts_at, y.ends_at, '[)')`);
  if (resourceOverlaps.length) broken.push(`resource in two overlapping active appointments: ${JSON.stringify(resourceOverlaps)}`);

  const partial = await q(`
    SELECT a.id, a.status::text FROM appointment a
     WHERE appointment_occupies(a.status) AND (
       (SELECT count(*) FROM appointment_resource ar WHERE ar.appointment_id = a.id)
         <> (SELECT count(*) FROM service_requirement sr WHERE sr.service_id = a.service_id)
       OR EXISTS (SELECT 1 FROM service_requirement sr WHERE sr.service_id = a.service_id AND NOT EXISTS (
            SELECT 1 FROM appointment_resource ar JOIN resource r ON r.id = ar.resource_id
             WHERE ar.appointment_id = a.id AND r.kind = sr.kind AND (sr.tag IS NULL OR sr.tag = ANY(r.tags)))))`);
  if (partial.length) broken.push(`active appointments without exactly one resource per requirement: ${JSON.stringify(partial)}`);

  const occupancy = await q(`
    SELECT ar.appointment_id, ar.resource_id FROM appointment_resource ar
      JOIN appointment a ON a.id = ar.appointment_id JOIN service s ON s.id = a.service_id
     WHERE ar.active IS DISTINCT FROM appointment_occupies(a.status)
        OR ar.starts_at <> a.starts_at - make_interval(mins => s.buffer_before_min)
        OR ar.ends_at <> a.ends_at + make_interval(mins => s.buffer_after_min)`);
  if (occupancy.length) broken.push(`resource rows out of step with their appointment: ${JSON.stringify(occupancy)}`);

  const patientOverlaps = await q(`
    SELECT x.patient_id, x.id AS a, y.id AS b FROM appointment x JOIN appointment y ON x.patient_id = y.patient_id AND x.id < y.id
     WHERE appointment_occupies(x.status) AND appointment_occupies(y.status)
       AND tstzrange(x.starts_at, x.ends_at, '[)') && tstzrange(y.starts_at, y.ends_at, '[)')`);
  if (patientOverlaps.length) broken.push(`patient in two overlapping appointments: ${JSON.stringify(patientOverlaps)}`);

  const stock = await q(`
    SELECT ps.product_id, ps.branch_id, ps.quantity,
           COALESCE((SELECT sum(ap.quantity) FROM appointment_product ap JOIN appointment a ON a.id = ap.appointment_id
                      WHERE ap.product_id = ps.product_id AND a.branch_id = ps.branch_id AND a.status <> 'CANCELLED'), 0)::int AS sold
      FROM product_stock ps`);
  for (const s of stock) {
    const seeded = seededStock.find((x) => x.productId === s.product_id && x.branchId === s.branch_id)!.quantity;
    if (s.quantity < 0 || s.quantity !== seeded - s.sold) broken.push(`stock of ${s.product_id} is ${s.quantity}, seeded ${seeded} with ${s.sold} sold`);
  }

  const sessions = await q(`
    SELECT cs.id, cs.issued, COALESCE(array_agg(t.number ORDER BY t.number) FILTER (WHERE t.id IS NOT NULL), '{}') AS numbers
      FROM capacity_session cs LEFT JOIN token t ON t.session_id = cs.id GROUP BY cs.tenant_id, cs.id`);
  for (const s of sessions) {
    const expected = Array.from({ length: s.issued }, (_, i) => i + 1);
    if (JSON.stringify(s.numbers) !== JSON.stringify(expected)) broken.push(`session ${s.id} issued ${s.issued} but holds tokens ${JSON.stringify(s.numbers)}`);
  }

  // Each version an appointment went through has its event, in order, and the
  // newest event says what the row says now.
  const histories = await q(`
    SELECT a.id, a.version, a.status::text AS status, a.starts_at,
           COALESCE(array_agg((e.payload->'appointment'->>'version')::int ORDER BY e.seq) FILTER (WHERE e.seq IS NOT NULL), '{}') AS versions,
           (array_agg(e.payload->'appointment'->>'status' ORDER BY e.seq DESC))[1] AS last_status,
           (array_agg(e.payload->'appointment'->>'startsAt' ORDER BY e.seq DESC))[1] AS last_starts_at
      FROM appointment a LEFT JOIN event e ON e.aggregate_id = a.id AND e.type LIKE 'appointment.%'
     GROUP BY a.tenant_id, a.id`);
  for (const h of histories) {
    const expected = Array.from({ length: h.version }, (_, i) => i + 1);
    if (JSON.stringify(h.versions) !== JSON.stringify(expected)) broken.push(`appointment ${h.id} at version ${h.version} has events for versions ${JSON.stringify(h.versions)}`);
    else if (h.last_status !== h.status || h.last_starts_at !== h.starts_at.toISOString()) {
      broken.push(`appointment ${h.id} is ${h.status} at ${h.starts_at.toISOString()} but its last event says ${h.last_status} at ${h.last_starts_at}`);
    }
  }
  return broken;
}

/** What the successful commands did is in the database (or was superseded by a newer version). */
async function unreflected(ledger: Ledger): Promise<string[]> {
  const missing: string[] = [];
  const rows = (await db.sql.query(`SELECT id, status::text AS status, version, starts_at FROM appointment WHERE tenant_id = $1`, [demo.tenantId])).rows as {
    id: string;
    status: string;
    version: number;
    starts_at: Date;
  }[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ids = new Set(byId.keys());
  // Only successful holds and books create appointments; a refused one leaves nothing.
  if (ids.size !== ledger.created.size || [...ids].some((id) => !ledger.created.has(id))) {
    missing.push(`appointments in the database ${JSON.stringify([...ids])} are not those successfully placed ${JSON.stringify([...ledger.created])}`);
  }
  const events = (
    await db.sql.query(
      `SELECT aggregate_id AS id, (payload->'appointment'->>'version')::int AS version, payload->'appointment'->>'status' AS status, payload->'appointment'->>'startsAt' AS starts_at
         FROM event WHERE aggregate_id = ANY($1::uuid[]) AND type LIKE 'appointment.%'`,
      [[...ledger.created]],
    )
  ).rows as { id: string; version: number; status: string; starts_at: string }[];
  const newest = new Map<string, Success>();
  for (const s of ledger.successes) {
    const v = s.view;
    const row = byId.get(v.id);
    if (!row) continue;
    if (row.version < v.version) missing.push(`${s.kind} of ${v.id} returned version ${v.version}, the row is at ${row.version}`);
    const event = events.find((e) => e.id === v.id && e.version === v.version);
    if (!event || event.status !== v.status || event.starts_at !== v.startsAt) {
      missing.push(`${s.kind} of ${v.id} returned ${v.status} at ${v.startsAt} v${v.version}; its event says ${JSON.stringify(event ?? null)}`);
    }
    // Terminal states: nothing a desk does afterwards changes them.
    if (s.kind === 'cancel' && row.status !== 'CANCELLED') missing.push(`cancel of ${v.id} succeeded but the row is ${row.status}`);
    if (s.kind === 'release' && row.status !== 'RELEASED' && row.status !== 'EXPIRED') missing.push(`release of ${v.id} succeeded but the row is ${row.status}`);
    if (s.kind === 'checkIn' && row.status !== 'CHECKED_IN') missing.push(`check-in of ${v.id} succeeded but the row is ${row.status}`);
    const before = newest.get(v.id);
    if (!before || before.view.version < v.version) newest.set(v.id, s);
  }
  for (const [id, s] of newest) {
    const row = byId.get(id)!;
    if (row.version === s.view.version && (row.status !== s.view.status || row.starts_at.toISOString() !== s.view.startsAt)) {
      missing.push(`${s.kind} of ${id} left it ${s.view.status} at ${s.view.startsAt}, the row (same version) is ${row.status} at ${row.starts_at.toISOString()}`);
    }
  }
  // Products are sold only by the one book or confirm that made the appointment BOOKED.
  const sold = (await db.sql.query(`SELECT ap.appointment_id AS id, ap.product_id, ap.quantity FROM appointment_product ap WHERE ap.appointment_id = ANY($1::uuid[])`, [[...ledger.created]])).rows as {
    id: string;
    product_id: string;
    quantity: number;
  }[];
  for (const id of ledger.created) {
    const sale = ledger.successes.find((s) => s.view.id === id && s.lines !== null);
    const expected = productLines(sale?.lines ?? []).map((l) => `${l.productId}×${l.quantity}`).sort();
    const actual = sold.filter((r) => r.id === id).map((r) => `${r.product_id}×${r.quantity}`).sort();
    if (JSON.stringify(expected) !== JSON.stringify(actual)) missing.push(`appointment ${id} sold ${JSON.stringify(actual)}, the successful command sold ${JSON.stringify(expected)}`);
  }
  for (const t of ledger.tokens) {
    const { rowCount } = await db.sql.query(`SELECT 1 FROM token WHERE session_id = $1 AND patient_id = $2 AND number = $3`, [demo.sessionId, t.patientId, t.number]);
    if (rowCount !== 1) missing.push(`token ${t.number} for ${t.patientId} was issued but is not in the database`);
  }
  return missing;
}

/** Back to the seeded clinic: no appointments or tokens, stock as seeded. */
async function reset(): Promise<void> {
  await db.sql.query(`DELETE FROM appointment WHERE tenant_id = $1`, [demo.tenantId]);
  await db.sql.query(`DELETE FROM token WHERE tenant_id = $1`, [demo.tenantId]);
  await db.sql.query(`UPDATE capacity_session SET issued = 0, now_serving = 0 WHERE tenant_id = $1`, [demo.tenantId]);
  for (const s of seededStock) {
    await db.sql.query(`UPDATE product_stock SET quantity = $3 WHERE product_id = $1 AND branch_id = $2`, [s.productId, s.branchId, s.quantity]);
  }
}

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 30 });
  demo = await seedDemo(db.owner, { emailDomain: 'property.test', patients: PATIENTS });
  desks = await Promise.all([
    callerFor(db.deps, demo.staff.receptionist.email, demo.password, 'front desk'),
    callerFor(db.deps, demo.staff.callCentre.email, demo.password, 'call centre'),
    callerFor(db.deps, demo.staff.manager.email, demo.password, 'manager office'),
    callerFor(db.deps, demo.staff.admin.email, demo.password, 'admin'),
  ]);
  // The call centre may not issue tokens.
  tokenDesks = [desks[0]!, desks[2]!, desks[3]!];
  // A Monday: Dr Rao, Dr Carter, Dr Nair and Dr Kim all work at the east branch from 10:00.
  day = upcoming(1, NY);
  seededStock = (await db.sql.query(`SELECT product_id AS "productId", branch_id AS "branchId", quantity FROM product_stock WHERE tenant_id = $1`, [demo.tenantId])).rows;
});
afterAll(() => db.drop());

it('random concurrent programs of hold, confirm, book, move, cancel, release and check-in: only actionable refusals, every invariant holds in the database', async () => {
  await fc.assert(
    fc.asyncProperty(programArb, async (program) => {
      await reset();
      tally.programs++;
      const ledger: Ledger = { known: [], created: new Set(), successes: [], tokens: [] };
      for (const [index, batch] of program.entries()) {
        tally.batches++;
        const problems = await runBatch(batch, ledger);
        problems.push(...(await brokenInvariants()));
        if (problems.length) throw new Error(`after batch ${index + 1}:\n${problems.join('\n')}`);
      }
      const missing = await unreflected(ledger);
      if (missing.length) throw new Error(`successful commands not reflected:\n${missing.join('\n')}`);
    }),
    { numRuns: RUNS },
  );
  console.info(
    `property: ${tally.programs} programs, ${tally.batches} concurrent batches, ${tally.commands} commands\n` +
      [...tally.outcomes.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, n]) => `  ${k} ${n}`)
        .join('\n'),
  );
  // The programs really raced: wins, conflicts and stale edits all happened.
  const seen = (key: string) => tally.outcomes.get(key) ?? 0;
  expect(seen('book:OK') + seen('hold:OK')).toBeGreaterThan(0);
  expect(seen('move:OK') + seen('confirm:OK') + seen('cancel:OK')).toBeGreaterThan(0);
  expect([...tally.outcomes.keys()].some((k) => k.endsWith(':SLOT_TAKEN'))).toBe(true);
  expect([...tally.outcomes.keys()].some((k) => k.endsWith(':STALE'))).toBe(true);
}, 240_000);
