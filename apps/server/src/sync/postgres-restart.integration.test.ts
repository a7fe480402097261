import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded.js';
import { migrate } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import { freePort } from '../testing/ports.js';
import { LogReader } from './log-reader.js';
import { insertRaw, record, until } from '../testing/event-log.js';

describe('Postgres restarts under a log reader', () => {
  let dir = '';
  let cluster: EmbeddedDatabase | null = null;
  let reader: LogReader | null = null;

  afterAll(async () => {
    await reader?.stop();
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function write(url: string, count: number, tenantId: string): Promise<string[]> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const seqs: string[] = [];
      for (let i = 0; i < count; i++) seqs.push(await insertRaw(c, { tenantId }));
      return seqs;
    } finally {
      await c.end();
    }
  }

  it('reconnects, listens again and delivers everything, including what committed while it was away', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'frontdesk-restart-'));
    const dataDir = path.join(dir, 'pg');
    const port = await freePort();
    cluster = await startEmbeddedPostgres({ dataDir, port, database: 'frontdesk' });
    const url = cluster.url();
    await migrate(url);

    // Holds the reader off after the restart until the test has committed events.
    let mayConnect = true;
    reader = new LogReader({
      databaseUrl: url,
      logger: createLogger('silent'),
      reconnectMinMs: 50,
      reconnectMaxMs: 200,
      createClient: (u) => {
        if (!mayConnect) throw new Error('not yet');
        return new pg.Client({ connectionString: u });
      },
    });
    await reader.start();
    const seen = await record(reader);
    const tenantId = randomUUID();

    const before = await write(url, 3, tenantId);
    await until(() => seen.entries.length === 3, 'events before the restart');

    mayConnect = false;
    await cluster.stop();
    await until(() => !reader!.isConnected, 'the reader to notice');
    cluster = await startEmbeddedPostgres({ dataDir, port, database: 'frontdesk' });

    const whileAway = await write(url, 4, tenantId);
    expect(reader.isConnected).toBe(false);
    mayConnect = true;
    await until(() => seen.entries.length === 7, 'events committed while disconnected', 20_000);

    const after = await write(url, 2, tenantId);
    await until(() => seen.entries.length === 9, 'events after reconnecting');
    expect(seen.seqs()).toEqual([...before, ...whileAway, ...after]);
  }, 120_000);
});
