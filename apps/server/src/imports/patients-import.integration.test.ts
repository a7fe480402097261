import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type RunningServer } from '../app.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { anonymousCaller, callerFor } from '../testing/callers.js';
import { demoDatabase } from '../testing/file-database.js';
import { postImport } from '../testing/imports.js';
import { rawRequest } from '../testing/raw-http.js';
import { importLock } from './imports.service.js';

// Patients from CSV through the real endpoint: the preview's row errors, the
// duplicates, one transaction, a re-run that changes nothing, and who may.

const setup = demoDatabase({ emailDomain: 'import-patients.test' });
let other: DemoClinic;
let running: RunningServer;
let admin: string;
let receptionist: string;
let otherAdmin: string;

const login = async (email: string, password: string) => (await anonymousCaller(setup.db.deps).auth.login({ email, password, desk: 'import desk' })).token;

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await setup.db.sql.query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}
const patients = (tenantId = setup.demo.tenantId) => count('SELECT count(*) AS n FROM patient WHERE tenant_id = $1', [tenantId]);
const runs = (tenantId = setup.demo.tenantId) => count('SELECT count(*) AS n FROM import_run WHERE tenant_id = $1', [tenantId]);
const events = (tenantId = setup.demo.tenantId) => count('SELECT count(*) AS n FROM event WHERE tenant_id = $1', [tenantId]);

beforeAll(async () => {
  other = await seedDemo(setup.db.owner, { emailDomain: 'import-patients-other.test', tenantName: 'Other clinic' });
  running = await createServer({ deps: setup.db.deps }).start(0);
  admin = await login(setup.demo.staff.admin.email, setup.demo.password);
  receptionist = await login(setup.demo.staff.receptionist.email, setup.demo.password);
  otherAdmin = await login(other.staff.admin.email, other.password);
});

afterAll(async () => {
  await running?.stop();
  await setup.db?.deps.logReader.stop();
});

const post = (mode: string, csv: string | Uint8Array | AsyncIterable<Uint8Array>, token: string | null = admin, options = {}) => postImport(running.url, token, 'patients', mode, csv, options);

describe('importing patients from CSV', () => {
  it('the sample file of the README previews clean against the demo clinic', async () => {
    const sample = readFileSync(new URL('../../../../docs/samples/patients.csv', import.meta.url));
    const result = (await post('preview', sample)).result!;
    expect(result.errors).toEqual([]);
    expect(result.created).toBe(5);
  });

  it('a preview lists every faulty row with its line, column and reason, and writes nothing', async () => {
    const before = { patients: await patients(), runs: await runs(), events: await events() };
    const csv = [
      'name,date_of_birth,phone,email',
      'Nora Quist,1984-03-21,+44 20 7946 0001,nora@example.com',
      ',1990-01-01,(212) 555-0102,',
      'Omar Reyes,1984-02-30,212-555-0103,',
      'Pia Sand,2101-01-01,212 555 0104,not-an-email',
      'Quinn Tor,21/03/1984,abc,',
      'Rhea Ulm,,12,',
    ].join('\n');
    const answer = await post('preview', csv);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/x-ndjson/);
    const result = answer.result!;
    expect(result.rows).toBe(6);
    expect(result.errorCount).toBe(7);
    expect(result.errors.map((e) => [e.line, e.column])).toEqual([
      [3, 'name'],
      [4, 'date_of_birth'],
      [5, 'date_of_birth'],
      [5, 'email'],
      [6, 'phone'],
      [6, 'date_of_birth'],
      [7, 'phone'],
    ]);
    expect(result.errors[1]!.reason).toMatch(/not a date of the calendar/);
    expect(result.errors[2]!.reason).toMatch(/in the future/);
    expect(result.errors[4]!.reason).toBe('A phone number has only digits, spaces and ( ) - + .');
    expect(result.errors[6]!.reason).toBe('That number has too few digits for a phone number in US.');
    expect(result.errors[5]!.reason).toMatch(/YYYY-MM-DD/);
    expect(result.applied).toBe(false);
    expect(result.message).toMatch(/7 errors/);
    // The sound row is counted (and checked against the clinic), ready once the rest are fixed.
    expect(result.created).toBe(1);
    expect({ patients: await patients(), runs: await runs(), events: await events() }).toEqual(before);
  });

  it('an apply of a file with any error writes nothing at all, not even its good rows', async () => {
    const before = { patients: await patients(), runs: await runs(), events: await events() };
    const answer = await post('apply', 'name,phone\nGood Row,212 555 0201\nBad Row,12\n');
    expect(answer.result).toMatchObject({ applied: false, created: 0, errorCount: 1, importId: null });
    expect(answer.result!.errors[0]).toMatchObject({ line: 3, column: 'phone' });
    expect({ patients: await patients(), runs: await runs(), events: await events() }).toEqual(before);
    expect(await count("SELECT count(*) AS n FROM patient WHERE name = 'Good Row'")).toBe(0);
  });

  it('finds duplicates in the file and against the clinic (name and date of birth, or phone), and only in its own clinic', async () => {
    await setup.db.sql.query(`INSERT INTO patient (tenant_id, name, phone, date_of_birth) VALUES ($1, 'Sara Vale', '+12125557000', '1975-06-01')`, [setup.demo.tenantId]);
    // Only the other clinic has this phone: not a duplicate here.
    await setup.db.sql.query(`INSERT INTO patient (tenant_id, name, phone) VALUES ($1, 'Other Person', '+12125557999')`, [other.tenantId]);
    const csv = [
      'name,date_of_birth,phone',
      'Tess Wren,1990-05-05,(212) 555-7001', // new
      'tess  WREN,1990-05-05,212 555 7002', // same name (any case and spacing) and birthday as line 2
      'Uma Xu,1991-01-01,+1 212 555 7001', // same phone as line 2, written with its country code
      'SARA VALE,1975-06-01,212 555 7003', // already a patient: name + birthday
      'Saul Vale,1980-01-01,212-555-7000', // already a patient: the same number, typed without its country code
      'Vic Yates,1980-01-01,+1 212 555 7999', // the other clinic's patient's phone: new here
    ].join('\r\n');
    const answer = await post('preview', csv);
    const result = answer.result!;
    expect(result.errorCount).toBe(0);
    expect(result.created).toBe(2);
    expect(result.skipped).toBe(4);
    expect(result.duplicates.map((d) => [d.line, d.ofLine, d.existingId !== null])).toEqual([
      [3, 2, false],
      [4, 2, false],
      [5, null, true],
      [6, null, true],
    ]);
    expect(result.duplicates[0]!.reason).toMatch(/same name and date of birth as line 2/);
    expect(result.duplicates[1]!.reason).toMatch(/same phone number as line 2/);
    expect(result.duplicates[2]!.reason).toMatch(/Sara Vale, already a patient/);
    expect(result.duplicates[3]!.reason).toMatch(/same phone number as Sara Vale/);
  });

  it('reads phones as the desk does (in the admin’s first branch’s country): a number with or without its code is the same patient, stored E.164', async () => {
    // The demo admin's first branch is in New York: a number without its code is read as a US one.
    const inFile = await post('preview', 'name,phone\nJude Park,(212) 555-0302\nJune Park,+1 212 555 0302\n');
    expect(inFile.result).toMatchObject({ errorCount: 0, created: 1, skipped: 1 });
    expect(inFile.result!.duplicates).toEqual([expect.objectContaining({ line: 3, ofLine: 2, reason: 'Has the same phone number as line 2.' })]);

    const first = await post('apply', 'name,phone\nJude Park,(212) 555-0302\n');
    expect(first.result).toMatchObject({ applied: true, created: 1 });
    const { rows } = await setup.db.sql.query(`SELECT id::text, phone FROM patient WHERE tenant_id = $1 AND name = 'Jude Park'`, [setup.demo.tenantId]);
    expect(rows).toEqual([{ id: expect.any(String), phone: '+12125550302' }]);

    const again = await post('apply', 'name,phone\nJune Park,+1 212 555 0302\n');
    expect(again.result).toMatchObject({ applied: false, created: 0, skipped: 1 });
    expect(again.result!.duplicates).toEqual([expect.objectContaining({ line: 2, existingId: rows[0].id, reason: 'Has the same phone number as Jude Park, already a patient.' })]);
    expect(await count(`SELECT count(*) AS n FROM patient WHERE tenant_id = $1 AND name = 'June Park'`, [setup.demo.tenantId])).toBe(0);
  });

  it('applies in one go, then the same file again changes nothing, and an edited file adds only its new rows', async () => {
    const csv = '\uFEFFname,date_of_birth,phone,email\r\n"Walsh, Amy",1970-01-02,+353 1 555 0301,amy@example.com\r\nBen Ode,,(212) 555-0322,\r\n"Cy ""Sonny"" Park",1999-12-31,+1 212 555 0323,\r\n';
    const before = { patients: await patients(), runs: await runs(), events: await events(), other: await patients(other.tenantId) };
    const first = await post('apply', csv, admin, { fileName: 'C:\\exports\\patients.csv' });
    expect(first.result).toMatchObject({ applied: true, created: 3, skipped: 0, errorCount: 0, fileName: 'patients.csv' });
    expect(await patients()).toBe(before.patients + 3);
    expect(await runs()).toBe(before.runs + 1);
    // One event for the whole import, not one per row.
    expect(await events()).toBe(before.events + 1);
    const { rows: stored } = await setup.db.sql.query(`SELECT name, phone, email, to_char(date_of_birth, 'YYYY-MM-DD') AS dob FROM patient WHERE tenant_id = $1 AND name IN ('Walsh, Amy', 'Ben Ode', 'Cy "Sonny" Park') ORDER BY name`, [setup.demo.tenantId]);
    expect(stored).toEqual([
      { name: 'Ben Ode', phone: '+12125550322', email: null, dob: null },
      { name: 'Cy "Sonny" Park', phone: '+12125550323', email: null, dob: '1999-12-31' },
      { name: 'Walsh, Amy', phone: '+35315550301', email: 'amy@example.com', dob: '1970-01-02' },
    ]);
    const { rows: logged } = await setup.db.sql.query(`SELECT type, payload, actor_id::text FROM event WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1`, [setup.demo.tenantId]);
    expect(logged[0]).toEqual({ type: 'import.completed', payload: { importId: first.result!.importId, kind: 'patients', rows: 3, created: 3, skipped: 0 }, actor_id: setup.demo.staff.admin.id });

    const again = await post('apply', csv);
    expect(again.result).toMatchObject({ applied: false, created: 0, skipped: 3, importId: null });
    expect(again.result!.alreadyImported).toMatchObject({ importId: first.result!.importId, fileName: 'patients.csv' });
    const preview = await post('preview', csv);
    expect(preview.result!.alreadyImported?.importId).toBe(first.result!.importId);
    expect(preview.result!.message).toMatch(/changes nothing/);

    const edited = `${csv}Dee Fox,1988-08-08,212 555 0324,\r\n`;
    const third = await post('apply', edited);
    expect(third.result).toMatchObject({ applied: true, created: 1, skipped: 3 });
    const fourth = await post('apply', `${edited}\r\n`);
    // Another file (by its bytes), but every row is already there: nothing written, nothing recorded.
    expect(fourth.result).toMatchObject({ applied: false, created: 0, skipped: 4, alreadyImported: null });

    expect(await patients()).toBe(before.patients + 4);
    expect(await runs()).toBe(before.runs + 2);
    expect(await events()).toBe(before.events + 2);
    expect(await patients(other.tenantId)).toBe(before.other);
  });

  it('two desks applying the same file at once write it once', async () => {
    const csv = 'name,phone\nEli Gray,212 555 0401\nFay Hale,212 555 0402\n';
    const before = await patients();
    const answers = await Promise.all([post('apply', csv), post('apply', csv), post('apply', csv)]);
    expect(answers.filter((a) => a.result?.applied)).toHaveLength(1);
    expect(await patients()).toBe(before + 2);
  });

  it('while another import of patients holds the clinic’s import lock, an apply waits a little, then says so and writes nothing', async () => {
    const holder = await setup.db.sql.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [importLock(setup.demo.tenantId, 'patients').toString()]);
      const before = { patients: await patients(), runs: await runs() };
      const answer = await post('apply', 'name,phone\nLou Lock,212 555 0451\n');
      expect(answer.failure).toMatchObject({ error: { code: 'INVALID_STATE' }, message: expect.stringMatching(/^Another import of patients is under way; nothing was imported/) });
      expect({ patients: await patients(), runs: await runs() }).toEqual(before);
      // Resources are another kind: not held up.
      expect((await postImport(running.url, admin, 'resources', 'apply', 'kind,name,branch\nroom,Lock room,Midtown (New York)\n')).result?.applied).toBe(true);
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
    expect((await post('apply', 'name,phone\nLou Lock,212 555 0451\n')).result?.applied).toBe(true);
  });

  it('an imported patient is found by the desk’s patient search', async () => {
    await post('apply', 'name,phone\nGwen Importa,212 555 0501\n');
    const caller = await callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password);
    const found = await caller.patients.search({ query: 'Importa' });
    expect(found.map((p) => p.name)).toEqual(['Gwen Importa']);
  });

  it('lists the imports that wrote something, newest first, with who made them', async () => {
    const caller = await callerFor(setup.db.deps, setup.demo.staff.admin.email, setup.demo.password);
    const runs = await caller.setup.imports.runs();
    expect(runs.length).toBeGreaterThan(0);
    expect(runs[0]).toMatchObject({ kind: 'patients', createdBy: 'Ada Admin' });
    expect(runs.map((r) => r.createdAt)).toEqual([...runs.map((r) => r.createdAt)].sort().reverse());
    expect(runs.some((r) => r.fileName === 'patients.csv' && r.created === 3)).toBe(true);
  });

  it('streams progress while reading a large file', async () => {
    const lines = ['name,phone'];
    for (let i = 0; i < 12_000; i++) lines.push(`Stream Person ${i},+1 646 ${String(2_000_000 + i)}`);
    const answer = await post('preview', lines.join('\n'));
    expect(answer.result).toMatchObject({ rows: 12_000, created: 12_000, errorCount: 0 });
    expect(answer.progress.filter((p) => p.phase === 'reading').map((p) => p.rows)).toEqual([5_000, 10_000, 12_000]);
  });
});

describe('who may import patients', () => {
  it('a receptionist is refused, and nothing is read or written', async () => {
    const before = await patients();
    const answer = await post('apply', 'name,phone\nIvy Jones,212 555 0601\n', receptionist);
    expect(answer.status).toBe(403);
    expect(answer.refusal?.code).toBe('FORBIDDEN');
    expect(await patients()).toBe(before);
  });

  it('without a valid sign-in the answer is 401', async () => {
    expect((await post('preview', 'name,phone\n', null)).status).toBe(401);
    expect((await post('preview', 'name,phone\n', 'x'.repeat(40))).refusal?.code).toBe('UNAUTHORIZED');
  });

  it('an admin of another clinic imports into their own clinic only', async () => {
    const mine = await patients();
    const theirs = await patients(other.tenantId);
    // Same name and birthday as a patient of this clinic: not a duplicate over there.
    const answer = await post('apply', 'name,date_of_birth,phone\nSara Vale,1975-06-01,212 555 0701\n', otherAdmin);
    expect(answer.result).toMatchObject({ applied: true, created: 1, skipped: 0 });
    expect(await patients()).toBe(mine);
    expect(await patients(other.tenantId)).toBe(theirs + 1);
    expect(await count('SELECT count(*) AS n FROM import_run WHERE tenant_id = $1', [other.tenantId])).toBe(1);
  });
});

describe('a malformed file gets a plain error and the server stays up', () => {
  async function alive() {
    const health = await fetch(`${running.url}/healthz`);
    expect(health.status).toBe(200);
  }

  it('a header with missing, unknown or repeated columns names them', async () => {
    const answer = await post('preview', 'Name,Phone Number,name\nAl,212 555 0801,Al\n');
    expect(answer.result!.errors).toEqual([
      { line: 1, column: 'Phone Number', reason: expect.stringMatching(/not a column of a patients file; the columns are name, phone, date_of_birth, email/) },
      { line: 1, column: 'name', reason: 'The column name appears twice (columns 1 and 3).' },
      { line: 1, column: 'phone', reason: expect.stringMatching(/The column phone is missing/) },
    ]);
    expect(answer.result!.rows).toBe(1);
  });

  it('rows with too few or too many values are errors of their line; trailing empty values are not', async () => {
    const answer = await post('preview', 'name,phone\nAl Bo,212 555 0901\nCy Do\nEd Fu,212 555 0902,extra\nGil Ho,212 555 0903,,\n');
    expect(answer.result!.errors.map((e) => [e.line, e.column, e.reason])).toEqual([
      [3, null, 'The row has 1 value; the header has 2 columns.'],
      [4, null, 'The row has 3 values; the header has 2 columns. A value with a comma in it must be in double quotes.'],
    ]);
    expect(answer.result!.errorCount).toBe(2);
  });

  it('a quoted value spanning lines keeps the line numbers of the rows after it', async () => {
    const answer = await post('preview', 'name,phone\n"Multi\nLine",212 555 1001\nNo Phone,\n');
    expect(answer.result!.errors).toEqual([
      { line: 2, column: 'name', reason: 'The name has a line break or a control character.' },
      { line: 4, column: 'phone', reason: 'A phone number is needed.' },
    ]);
  });

  it('bytes that are not UTF-8', async () => {
    const latin1 = Buffer.from('name,phone\nJos\xe9 Ruiz,212 555 1101\n', 'latin1');
    const answer = await post('preview', latin1);
    expect(answer.failure?.error?.code).toBe('BAD_INPUT');
    expect(answer.failure?.message).toMatch(/not UTF-8 text \(from line 2 on\)/);
    await alive();
  });

  it('a quote never closed, or text after a closing quote', async () => {
    const unclosed = await post('preview', 'name,phone\n"Kim Lo,212 555 1201\nMo Ne,212 555 1202\n');
    expect(unclosed.failure?.message).toMatch(/^Line \d+: a quoted value is never closed/);
    const stray = await post('preview', 'name,phone\n"Kim" Lo,212 555 1201\n');
    expect(stray.failure?.message).toMatch(/^Line 2: a quoted value is followed by more text/);
    await alive();
  });

  it('an empty file, and a header with no rows', async () => {
    expect((await post('preview', '')).result!.errors[0]!.reason).toMatch(/The file is empty/);
    expect((await post('apply', 'name,phone\r\n')).result).toMatchObject({ applied: false, errorCount: 1, errors: [{ line: 2, reason: 'The file has a header but no rows under it.' }] });
  });

  it('a NUL byte or a control character in a value is an error of its row', async () => {
    const answer = await post('preview', 'name,phone\nNul\u0000Name,212 555 1301\n');
    expect(answer.result!.errors[0]).toMatchObject({ line: 2, column: 'name' });
  });

  it('not CSV, a kind or mode that does not exist, GET: refused before reading', async () => {
    const json = await post('preview', '{"name":"x"}', admin, { contentType: 'application/json' });
    expect(json.status).toBe(415);
    expect(json.refusal?.message).toMatch(/text\/csv/);
    expect((await post('preview', 'name,phone\n', admin, { contentType: 'text/csv; charset=windows-1252' })).status).toBe(415);
    expect((await post('preview', 'x', admin, { headers: { 'content-encoding': 'gzip' } })).status).toBe(415);
    const kind = await postImport(running.url, admin, 'staff', 'preview', 'a,b\n');
    expect(kind.status).toBe(404);
    expect((await post('delete', 'name,phone\n')).refusal?.details).toEqual({ field: 'mode' });
    const get = await fetch(`${running.url}/import/patients`, { headers: { authorization: `Bearer ${admin}` } });
    expect(get.status).toBe(405);
    await alive();
  });

  it('a file declared larger than the limit is refused unread; one that grows past it is cut', async () => {
    const port = Number(new URL(running.url).port);
    const declared = await rawRequest(port, `POST /import/patients?mode=preview HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nAuthorization: Bearer ${admin}\r\nContent-Length: ${60 * 1024 * 1024}\r\n\r\nname,phone\n`);
    expect(declared.status).toBe(413);
    async function* huge() {
      // Long rows, so the size limit comes before the row limit.
      const line = Buffer.from(`${'Long Name '.repeat(100)},212 555 1401\n`);
      const chunk = Buffer.concat(Array.from({ length: 1_000 }, () => line));
      yield Buffer.from('name,phone\n');
      for (let sent = 0; sent < 52 * 1024 * 1024; sent += chunk.length) yield chunk;
    }
    const answer = await post('preview', huge());
    expect(answer.failure?.message).toMatch(/larger than 50 MB/);
    await alive();
  });

  it('a desk that goes away in the middle of its file leaves the server up and nothing written', async () => {
    const before = await patients();
    const abort = new AbortController();
    async function* slow() {
      yield Buffer.from('name,phone\nHalf Way,212 555 1501\n');
      await new Promise((resolve) => setTimeout(resolve, 300));
      abort.abort();
      yield Buffer.from('More Rows,212 555 1502\n');
    }
    const sent = fetch(`${running.url}/import/patients?mode=apply`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${admin}` },
      body: slow() as unknown as ReadableStream,
      duplex: 'half',
      signal: abort.signal,
    } as RequestInit);
    await expect(sent).rejects.toThrow();
    await alive();
    expect(await patients()).toBe(before);
  });

  it('more rows than the limit', async () => {
    const rows = 'A B,55555\n'.repeat(200_001);
    const answer = await post('preview', `name,phone\n${rows}`);
    expect(answer.failure?.message).toMatch(/more than 200,000 rows/);
    await alive();
  });
});
