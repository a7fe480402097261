import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../db/tx.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { appendEvents } from './append.js';
import { loginAt, ServerRotation, startServerProcess, subscribeRemote, type RemoteSubscriber, type ServerProcess } from './remote.js';
import { until } from './testing.js';

interface Desk {
  name: string;
  tenantId: string;
  /** Branches it may see; null = every branch of its tenant. */
  branches: string[] | null;
  home: number;
  sub: RemoteSubscriber;
}

describe('three server processes on one database', () => {
  let db: TestDatabase;
  let servers: ServerProcess[] = [];
  let clinics: DemoClinic[] = [];
  const desks: Desk[] = [];
  let alive: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    clinics = [
      await seedDemo(db.owner, { emailDomain: 'one.test', tenantName: 'Clinic One' }),
      await seedDemo(db.owner, { emailDomain: 'two.test', tenantName: 'Clinic Two' }),
    ];
    servers = await Promise.all([0, 1, 2].map(() => startServerProcess(db.url)));
    alive = servers.map((s) => s.url);
  }, 180_000);

  afterAll(async () => {
    for (const d of desks) d.sub.close();
    await Promise.all(servers.map((s) => s.kill('SIGTERM')));
    await db?.drop();
  });

  /** Writes one event in its own transaction; several run at once so commits interleave. */
  async function write(clinic: DemoClinic, branch: 'east' | 'west' | null): Promise<void> {
    const branchId = branch ? clinic.branches[branch] : null;
    await inTransaction(db.deps.db, { tenantId: clinic.tenantId }, (tx) =>
      appendEvents(tx, { actorId: null, desk: 'test' }, [
        {
          type: 'stock.changed',
          tenantId: clinic.tenantId,
          branchId,
          aggregateId: null,
          payload: { productId: randomUUID(), branchId: branchId ?? clinic.branches.east, quantity: 1, delta: -1 },
        },
      ]),
    );
  }

  async function writeMany(count: number, pauseMs: number): Promise<void> {
    const branches = ['east', 'west', null] as const;
    const pending: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      pending.push(write(clinics[i % 2]!, branches[Math.floor(i / 2) % 3]!));
      if (pauseMs) await sleep(pauseMs);
    }
    await Promise.all(pending);
  }

  /** Every desk's scope, in the log's delivery order, straight from the database. */
  async function expected(desk: Desk): Promise<string[]> {
    const { rows } = await db.sql.query<{ seq: string }>(
      `SELECT seq::text AS seq FROM "event"
       WHERE tenant_id = $1 AND ($2::uuid[] IS NULL OR branch_id IS NULL OR branch_id = ANY($2::uuid[]))
       ORDER BY tx_id, seq`,
      [desk.tenantId, desk.branches],
    );
    return rows.map((r) => r.seq);
  }

  async function allCaughtUp(): Promise<void> {
    const targets = await Promise.all(desks.map((d) => expected(d)));
    await until(() => desks.every((d, i) => d.sub.seqs.length >= targets[i]!.length), 'every desk to catch up', 30_000);
    await sleep(300); // room for a duplicate to show up
    desks.forEach((d, i) => {
      if (process.env.SYNC_DEBUG && JSON.stringify(d.sub.seqs) !== JSON.stringify(targets[i])) {
        console.log(d.name, d.home, JSON.stringify(d.sub.trace));
        console.log('expected', JSON.stringify(targets[i]));
      }
      expect(d.sub.seqs, `${d.name} on server ${d.home}`).toEqual(targets[i]);
      expect(d.sub.errors, d.name).toEqual([]);
    });
  }

  it('every desk gets every event of its scope exactly once, in the same order, across processes', async () => {
    const [one, two] = clinics as [DemoClinic, DemoClinic];
    const logins = [
      { name: 'one/reception east', clinic: one, email: one.staff.receptionist.email, branches: [one.branches.east] },
      { name: 'one/reception west', clinic: one, email: one.staff.receptionistWest.email, branches: [one.branches.west] },
      { name: 'one/call centre', clinic: one, email: one.staff.callCentre.email, branches: null },
      { name: 'two/call centre', clinic: two, email: two.staff.callCentre.email, branches: null },
      { name: 'two/reception east', clinic: two, email: two.staff.receptionist.email, branches: [two.branches.east] },
    ];
    const tokens = await Promise.all(logins.map((l, i) => loginAt(alive[i % 3]!, l.email, l.clinic.password)));
    for (let home = 0; home < 3; home++) {
      logins.forEach((l, i) => {
        const rotation = new ServerRotation(() => alive, home);
        desks.push({ name: l.name, tenantId: l.clinic.tenantId, branches: l.branches, home, sub: subscribeRemote({ rotation, token: tokens[i]! }) });
      });
    }
    await Promise.all(desks.map((d) => d.sub.live));

    await writeMany(90, 0);
    await allCaughtUp();
    for (const d of desks.filter((x) => x.name.startsWith('one/'))) expect(d.sub.seqs.length).toBeGreaterThan(0);
  }, 120_000);

  it('a killed process: its desks reconnect to another and resume without gap or duplicate', async () => {
    const writing = writeMany(120, 15);
    await sleep(600);
    const victim = servers[0]!;
    alive = servers.slice(1).map((s) => s.url);
    await victim.kill('SIGKILL');
    const { rows } = await db.sql.query<{ seq: string }>('SELECT coalesce(max(seq), 0)::text AS seq FROM "event"');
    const atKill = BigInt(rows[0]!.seq);
    await writing;
    await writeMany(10, 0);
    await expect(fetch(`${victim.url}/healthz`)).rejects.toThrow();
    await allCaughtUp();
    // The desks that lived on the killed process got events committed after it died.
    const orphans = desks.filter((d) => d.home === 0);
    expect(orphans).toHaveLength(5);
    for (const d of orphans) expect(d.sub.seqs.some((seq) => BigInt(seq) > atKill), d.name).toBe(true);
  }, 120_000);

  it('a process shut down gracefully ends its streams as retryable; its desks resume on the last one', async () => {
    const leaving = servers[1]!;
    alive = [servers[2]!.url];
    const writing = writeMany(60, 15);
    await sleep(300);
    await leaving.kill('SIGTERM');
    await writing;
    await allCaughtUp();
  }, 120_000);
});
