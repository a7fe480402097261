import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { seedTwoClinics, SyncCheck } from '../testing/sync-check.js';
import { startServerProcess, type ServerProcess } from '../testing/remote.js';

describe('three server processes on one database', () => {
  let db: TestDatabase;
  let servers: ServerProcess[] = [];
  let check: SyncCheck;
  let alive: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    check = new SyncCheck(await seedTwoClinics(db.owner), db.sql, db.deps.db);
    servers = await Promise.all([0, 1, 2].map(() => startServerProcess(db.url)));
    alive = servers.map((s) => s.url);
  }, 180_000);

  afterAll(async () => {
    check?.close();
    await Promise.all(servers.map((s) => s.kill('SIGTERM')));
    await db?.drop();
  });

  it('every desk gets every event of its scope exactly once, in the same order, across processes', async () => {
    await check.openDesks(() => alive);
    await check.writeMany(90, 0);
    await check.allCaughtUp();
    for (const d of check.desks.filter((x) => x.name.startsWith('one/'))) expect(d.sub.seqs.length).toBeGreaterThan(0);
  }, 120_000);

  it('a killed process: its desks reconnect to another and resume without gap or duplicate', async () => {
    const writing = check.writeMany(120, 15);
    await sleep(600);
    const victim = servers[0]!;
    alive = servers.slice(1).map((s) => s.url);
    await victim.kill('SIGKILL');
    const { rows } = await db.sql.query<{ seq: string }>('SELECT coalesce(max(seq), 0)::text AS seq FROM "event"');
    const atKill = BigInt(rows[0]!.seq);
    await writing;
    await check.writeMany(10, 0);
    await expect(fetch(`${victim.url}/healthz`)).rejects.toThrow();
    await check.allCaughtUp();
    // The desks that lived on the killed process got events committed after it died.
    const orphans = check.desks.filter((d) => d.home === 0);
    expect(orphans).toHaveLength(5);
    for (const d of orphans) expect(d.sub.seqs.some((seq) => BigInt(seq) > atKill), d.name).toBe(true);
  }, 120_000);

  it('a process shut down gracefully ends its streams as retryable; its desks resume on the last one', async () => {
    const leaving = servers[1]!;
    alive = [servers[2]!.url];
    const writing = check.writeMany(60, 15);
    await sleep(300);
    await leaving.kill('SIGTERM');
    await writing;
    await check.allCaughtUp();
  }, 120_000);
});
