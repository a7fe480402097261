import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyLogEvent, ChangeMessage } from '@frontdesk/shared';
import { createServer, type RunningServer } from '../app.js';
import type { Actor } from '../auth/scope.js';
import { createLogger } from '../logger.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { anonymousCaller, callerFor } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { streamChanges } from './changes.service.js';
import { clientFor, ServerRotation, subscribeRemote, type RemoteSubscriber } from '../testing/remote.js';
import { eventsOf, insertRaw, markersOf, until } from '../testing/event-log.js';

// The live feed carries to each desk only what that desk may read, and follows
// a change of access at once: over real SSE against a server on a real port.

describe('the live feed follows who may see what', () => {
  let db: TestDatabase;
  let clinic: DemoClinic;
  let running: RunningServer;
  const logged: string[] = [];
  const subs: RemoteSubscriber[] = [];
  const stopStreams = new AbortController();

  const url = () => running.url;
  const login = async (email: string) => (await anonymousCaller(db.deps).auth.login({ email, password: clinic.password, desk: 'access desk' })).token;

  /** One stock event in `branchId` (null: clinic-wide), tagged so a desk's copy can be recognised. */
  async function mark(branchId: string | null): Promise<string> {
    const marker = randomUUID();
    await insertRaw(db.sql, { tenantId: clinic.tenantId, branchId, marker });
    return marker;
  }
  const markers = (s: RemoteSubscriber) => s.messages.flatMap(markersOf);

  beforeAll(async () => {
    db = await createTestDatabase();
    clinic = await seedDemo(db.owner, { emailDomain: 'access.test' });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(chunk.toString());
        done();
      },
    });
    // The server logs into `logged`, so a test can tell an internal error from a refusal.
    running = await createServer({ deps: { ...db.deps, logger: createLogger('info', sink) } }).start(0);
  });

  afterAll(async () => {
    for (const s of subs) s.close();
    stopStreams.abort();
    await running?.stop();
    await db?.deps.logReader.stop();
    await db?.drop();
  });

  function subscribe(token: string, branchIds?: string[]): RemoteSubscriber {
    const s = subscribeRemote({ rotation: new ServerRotation(() => [url()]), token, ...(branchIds ? { branchIds } : {}) });
    subs.push(s);
    return s;
  }

  it('moved to another branch, a receptionist never gets another event of her old one on her open stream', async () => {
    const adminToken = await login(clinic.staff.admin.email);
    const admin = clientFor(url, adminToken);
    const rita = subscribe(await login(clinic.staff.receptionist.email));
    await rita.live;
    const before = await mark(clinic.branches.east);
    await until(() => markers(rita).includes(before), 'her east event before the move');

    await admin.admin.staff.setBranches.mutate({ staffId: clinic.staff.receptionist.id, branchIds: [clinic.branches.west] });
    const leaked = await mark(clinic.branches.east);
    const after = await mark(clinic.branches.west);
    await until(() => markers(rita).includes(after), 'a west event after the move', 15_000);
    expect(markers(rita)).not.toContain(leaked);
    // She was told to reconnect (retryable), not signed out, and resumed on her own.
    expect(rita.errors).toEqual([]);
    expect(markers(rita)).toEqual([before, after]);
    // Moved back: she sees the east again.
    await admin.admin.staff.setBranches.mutate({ staffId: clinic.staff.receptionist.id, branchIds: [clinic.branches.east] });
    const back = await mark(clinic.branches.east);
    await until(() => markers(rita).includes(back), 'an east event after moving back', 15_000);
    expect(markers(rita)).toEqual([before, after, back]);
  });

  it('a disabled account’s open stream ends at once, as signed out', async () => {
    const adminToken = await login(clinic.staff.admin.email);
    const walt = subscribe(await login(clinic.staff.receptionistWest.email));
    await walt.live;
    await clientFor(url, adminToken).admin.staff.disable.mutate({ staffId: clinic.staff.receptionistWest.id, disabled: true });
    const leaked = await mark(clinic.branches.west);
    await until(() => walt.errors.length > 0, 'the stream to end', 15_000);
    // The server's reader had the event to hand out: it was withheld, not late.
    const { rows } = await db.sql.query<{ seq: string }>(`SELECT seq::text AS seq FROM "event" WHERE payload->>'marker' = $1`, [leaked]);
    await until(() => db.deps.logReader.state.cursor.seq >= BigInt(rows[0]!.seq), 'the reader to pass the event');
    expect(markers(walt)).not.toContain(leaked);
    expect((walt.errors[0] as TRPCClientError<never>).data).toMatchObject({ code: 'UNAUTHORIZED' });
    await clientFor(url, adminToken).admin.staff.disable.mutate({ staffId: clinic.staff.receptionistWest.id, disabled: false });
  });

  it("subscribing to a branch that is not yours is refused as FORBIDDEN, not reported as a crash", async () => {
    const before = logged.length;
    const rita = subscribe(await login(clinic.staff.receptionist.email), [clinic.branches.west]);
    await until(() => rita.errors.length > 0, 'the refusal');
    const error = rita.errors[0] as TRPCClientError<never>;
    expect(error.data).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403, domain: { code: 'FORBIDDEN' } });
    expect(error.message).toBe('That branch is not one of yours.');
    expect(rita.messages).toEqual([]);
    expect(logged.slice(before).join('')).not.toMatch(/internal error|procedure failed/);
  });

  it('a resume position beyond the log (or beyond bigint) gets a reset; a malformed one a plain BAD_INPUT', async () => {
    const token = await login(clinic.staff.receptionist.email);
    const client = clientFor(url, token);
    const before = logged.length;
    for (const lastEventId of ['9999999999999999999', '99999999999999999999', '9223372036854775807']) {
      const got = await new Promise<ChangeMessage | unknown>((resolve) => {
        const sub = client.changes.subscribe(
          { lastEventId },
          {
            onData: ({ data }) => {
              sub.unsubscribe();
              resolve(data);
            },
            onError: (error) => resolve(error),
          },
        );
      });
      expect(got, lastEventId).toMatchObject({ kind: 'reset', reason: 'Your last position is no longer in the log.' });
    }
    for (const lastEventId of ['abc', '-1', '1e5', '12~x', '']) {
      const error = await new Promise<unknown>((resolve) => {
        client.changes.subscribe({ lastEventId }, { onData: () => resolve(null), onError: resolve });
      });
      expect((error as TRPCClientError<never>).data, lastEventId).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, domain: { code: 'BAD_INPUT' } });
    }
    expect(logged.slice(before).join('')).not.toMatch(/internal error|procedure failed/);
  });

  describe('staff changes and patient reads reach only those who may see them', () => {
    async function open(email: string): Promise<{ actor: Actor; events: AnyLogEvent[] }> {
      const token = await login(email);
      const actor = (await db.deps.auth.authenticate(token))!;
      const s = streamChanges({ deps: db.deps, actor, token, signal: stopStreams.signal });
      const events: AnyLogEvent[] = [];
      const first = await s.next();
      expect(first.value?.[1].kind).toBe('live');
      void (async () => {
        for await (const [, message] of s) events.push(...eventsOf(message));
      })().catch(() => undefined);
      return { actor, events };
    }

    /** Waits for a clinic-wide marker on every stream: whatever a stream did not get before it, it never will. */
    async function settle(...desks: { events: AnyLogEvent[] }[]): Promise<void> {
      const marker = await mark(null);
      await until(() => desks.every((d) => d.events.some((e) => (e.payload as { marker?: string }).marker === marker)), 'the marker everywhere');
    }

    const staffEvents = (d: { events: AnyLogEvent[] }) => d.events.filter((e) => e.type === 'staff.changed').map((e) => e.aggregateId);

    it('a staff change goes to admins, and to managers of a branch the staff member works at; never to the front desk', async () => {
      const desks = {
        admin: await open(clinic.staff.admin.email),
        manager: await open(clinic.staff.manager.email), // manages east
        reception: await open(clinic.staff.receptionist.email),
        callCentre: await open(clinic.staff.callCentre.email),
      };
      const admin = await callerFor(db.deps, clinic.staff.admin.email, clinic.password);
      const eastHire = await admin.admin.staff.create({ name: 'Eve East', email: `eve.${randomUUID()}@access.test`, role: 'RECEPTIONIST', branchIds: [clinic.branches.east], password: 'a long enough password 1' });
      const westHire = await admin.admin.staff.create({ name: 'Wes West', email: `wes.${randomUUID()}@access.test`, role: 'RECEPTIONIST', branchIds: [clinic.branches.west], password: 'a long enough password 2' });
      await settle(...Object.values(desks));
      // (An earlier test's change may still be on its way: only these two hires are compared.)
      const hires = (ids: (string | null)[]) => ids.filter((id) => id === eastHire.id || id === westHire.id);
      expect(hires(staffEvents(desks.admin))).toEqual([eastHire.id, westHire.id]);
      expect(hires(staffEvents(desks.manager))).toEqual([eastHire.id]);
      expect(staffEvents(desks.reception)).toEqual([]);
      expect(staffEvents(desks.callCentre)).toEqual([]);
    });

    it('moved to another branch: the manager of the branch left is told as well', async () => {
      const manager = await open(clinic.staff.manager.email); // manages east
      const admin = await callerFor(db.deps, clinic.staff.admin.email, clinic.password);
      const hire = await admin.admin.staff.create({ name: 'Mo Mover', email: `mo.${randomUUID()}@access.test`, role: 'RECEPTIONIST', branchIds: [clinic.branches.east], password: 'a long enough password 3' });
      await admin.admin.staff.setBranches({ staffId: hire.id, branchIds: [clinic.branches.west] });
      await settle(manager);
      const changes = manager.events.filter((e) => e.type === 'staff.changed' && e.aggregateId === hire.id).map((e) => e.payload);
      expect(changes).toMatchObject([{ change: 'created' }, { change: 'branches', branchIds: [clinic.branches.west], previousBranchIds: [clinic.branches.east] }]);
    });

    it('time off of a resource at no branch: its reason reaches only a desk that sees every branch', async () => {
      const desks = { reception: await open(clinic.staff.receptionist.email), callCentre: await open(clinic.staff.callCentre.email) };
      const { rows } = await db.sql.query<{ id: string }>(
        `INSERT INTO time_off (tenant_id, branch_id, resource_id, kind, starts_at, ends_at, reason)
         VALUES ($1, NULL, $2, 'LEAVE', '2031-05-01T00:00:00Z', '2031-05-02T00:00:00Z', 'Surgery, back in a week') RETURNING id::text AS id`,
        [clinic.tenantId, clinic.resources.drRao],
      );
      const timeOffId = rows[0]!.id;
      const manager = await callerFor(db.deps, clinic.staff.manager.email, clinic.password);
      await manager.schedule.removeTimeOff({ timeOffId });
      await settle(...Object.values(desks));
      const removed = (d: { events: AnyLogEvent[] }) => d.events.find((e) => e.type === 'time_off.removed' && e.aggregateId === timeOffId)?.payload;
      expect(removed(desks.reception)).toMatchObject({ timeOff: { id: timeOffId, reason: '' } });
      expect(removed(desks.callCentre)).toMatchObject({ timeOff: { id: timeOffId, reason: 'Surgery, back in a week' } });
    });

    it('who opened which patient record stays in the audit log; no desk is told', async () => {
      const desks = [await open(clinic.staff.admin.email), await open(clinic.staff.manager.email), await open(clinic.staff.receptionist.email)];
      const reception = await callerFor(db.deps, clinic.staff.receptionist.email, clinic.password);
      const patientId = clinic.patients[0]!;
      await reception.patients.get({ patientId });
      const { rows } = await db.sql.query(`SELECT 1 FROM "event" WHERE type = 'patient.viewed' AND patient_id = $1`, [patientId]);
      expect(rows.length).toBeGreaterThan(0);
      await settle(...desks);
      for (const d of desks) expect(d.events.filter((e) => e.type === 'patient.viewed')).toEqual([]);
    });
  });
});
