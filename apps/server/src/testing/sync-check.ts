import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { expect } from 'vitest';
import { inTransaction, type Db } from '../db/tx.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { appendEvents } from '../sync/append.js';
import { loginAt, ServerRotation, subscribeRemote, type RemoteSubscriber } from './remote.js';
import { until } from './event-log.js';

// The multi-process sync check: desks of two clinics, with different scopes,
// on every server process over real SSE; events written from outside in
// interleaving transactions; every desk must get every event of its scope
// exactly once, in the log's order, whichever server it is on.

export interface SyncDesk {
  name: string;
  tenantId: string;
  /** Branches it may see; null = every branch of its tenant. */
  branches: string[] | null;
  /** The index of the server it started on. */
  home: number;
  sub: RemoteSubscriber;
}

export type Clinics = readonly [DemoClinic, DemoClinic];

export async function seedTwoClinics(owner: Parameters<typeof seedDemo>[0]): Promise<Clinics> {
  const one = await seedDemo(owner, { emailDomain: 'one.test', tenantName: 'Clinic One' });
  return [one, await seedDemo(owner, { emailDomain: 'two.test', tenantName: 'Clinic Two' })];
}

export class SyncCheck {
  readonly desks: SyncDesk[] = [];

  constructor(
    private readonly clinics: Clinics,
    /** Reads the log as the owner, past row-level security. */
    private readonly sql: pg.Pool,
    /** The runtime role's client the events are written with. */
    private readonly writer: Db,
  ) {}

  /** Five desks of different scopes on each server; `servers` are the URLs desks may move between. */
  async openDesks(servers: () => readonly string[]): Promise<void> {
    const [one, two] = this.clinics;
    const logins = [
      { name: 'one/reception east', clinic: one, email: one.staff.receptionist.email, branches: [one.branches.east] },
      { name: 'one/reception west', clinic: one, email: one.staff.receptionistWest.email, branches: [one.branches.west] },
      { name: 'one/call centre', clinic: one, email: one.staff.callCentre.email, branches: null },
      { name: 'two/call centre', clinic: two, email: two.staff.callCentre.email, branches: null },
      { name: 'two/reception east', clinic: two, email: two.staff.receptionist.email, branches: [two.branches.east] },
    ];
    const count = servers().length;
    const tokens = await Promise.all(logins.map((l, i) => loginAt(servers()[i % count]!, l.email, l.clinic.password)));
    for (let home = 0; home < count; home++) {
      logins.forEach((l, i) => {
        const rotation = new ServerRotation(servers, home);
        this.desks.push({ name: l.name, tenantId: l.clinic.tenantId, branches: l.branches, home, sub: subscribeRemote({ rotation, token: tokens[i]! }) });
      });
    }
    await Promise.all(this.desks.map((d) => d.sub.live));
  }

  /** Writes one event in its own transaction; several run at once so commits interleave. */
  async write(clinic: DemoClinic, branch: 'east' | 'west' | null): Promise<void> {
    const branchId = branch ? clinic.branches[branch] : null;
    await inTransaction(this.writer, { tenantId: clinic.tenantId }, (tx) =>
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

  /** `count` events across both clinics and every scope, started `pauseMs` apart. */
  async writeMany(count: number, pauseMs: number): Promise<void> {
    const branches = ['east', 'west', null] as const;
    const pending: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      pending.push(this.write(this.clinics[i % 2]!, branches[Math.floor(i / 2) % 3]!));
      if (pauseMs) await sleep(pauseMs);
    }
    await Promise.all(pending);
  }

  /** A desk's scope, in the log's delivery order, straight from the database. */
  async expected(desk: SyncDesk): Promise<string[]> {
    const { rows } = await this.sql.query<{ seq: string }>(
      `SELECT seq::text AS seq FROM "event"
       WHERE tenant_id = $1 AND ($2::uuid[] IS NULL OR branch_id IS NULL OR branch_id = ANY($2::uuid[]))
       ORDER BY tx_id, seq`,
      [desk.tenantId, desk.branches],
    );
    return rows.map((r) => r.seq);
  }

  /** Waits until every desk has its whole scope, then asserts each got exactly that, in order, without errors. */
  async allCaughtUp(): Promise<void> {
    const targets = await Promise.all(this.desks.map((d) => this.expected(d)));
    await until(() => this.desks.every((d, i) => d.sub.seqs.length >= targets[i]!.length), 'every desk to catch up', 30_000);
    await sleep(300); // room for a duplicate to show up
    this.desks.forEach((d, i) => {
      if (process.env.SYNC_DEBUG && JSON.stringify(d.sub.seqs) !== JSON.stringify(targets[i])) {
        console.log(d.name, d.home, JSON.stringify(d.sub.trace));
        console.log('expected', JSON.stringify(targets[i]));
      }
      expect(d.sub.seqs, `${d.name} on server ${d.home}`).toEqual(targets[i]);
      expect(d.sub.errors, d.name).toEqual([]);
    });
  }

  close(): void {
    for (const d of this.desks) d.sub.close();
  }
}
