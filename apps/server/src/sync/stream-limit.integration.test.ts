import { describe, expect, it } from 'vitest';
import { callerFor } from '../testing/callers.js';
import { failureCode } from '../testing/errors.js';
import { demoDatabase } from '../testing/file-database.js';

const file = demoDatabase({ emailDomain: 'stream-limit.test', patients: 1 });

describe('live streams per sign-in', () => {
  it('one session opens six windows; a seventh is refused until one closes, and another session is unaffected', async () => {
    const { db, demo } = file;
    const desk = await callerFor(db.deps, demo.staff.receptionist.email, demo.password);
    const open = async () => {
      const stream = (await desk.changes({}))[Symbol.asyncIterator]();
      expect((await stream.next()).value).toBeDefined();
      return stream;
    };
    const streams = [];
    for (let i = 0; i < 6; i++) streams.push(await open());
    expect(failureCode(await open().catch((e: unknown) => e))).toBe('TOO_MANY_ATTEMPTS');

    await streams.pop()!.return?.();
    streams.push(await open());

    const other = await callerFor(db.deps, demo.staff.receptionist.email, demo.password, 'second desk');
    const theirs = (await other.changes({}))[Symbol.asyncIterator]();
    expect((await theirs.next()).done).toBe(false);

    await Promise.all([...streams, theirs].map((s) => s.return?.()));
    await db.deps.logReader.stop();
  });
});
