import { beforeAll, describe, expect, it } from 'vitest';
import { parsePatientQuery } from '@frontdesk/shared';
import type { Actor } from '../auth/scope.js';
import { withTenant, withTenantTransaction } from '../db/request-scope.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { demoDatabase } from '../testing/file-database.js';
import { needsCountry } from './patients.service.js';

// What keeps patient search cheap as a clinic grows, pinned: the desk's
// country (from its first branch's time zone, New York here) is looked up
// only for a whole number typed without its country code, and still ranks
// the exact number first whenever it matters; the trigram indexes keep a
// small pending list (migration 20261123141000).

const setup = demoDatabase({ emailDomain: 'search-growth.test', patients: 5 });
let desk: Caller;
let exact: string;
let longer: string;

beforeAll(async () => {
  desk = await callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password);
  exact = (await desk.patients.create({ name: 'Zed Exact', phone: '+1 312 555 0142' })).id;
  // Its digits (4931255501420) hold 3125550142 too, and its name sorts first among equals.
  longer = (await desk.patients.create({ name: 'Aaron Longer', phone: '+49 31255501420' })).id;
});

const ids = async (query: string) => (await desk.patients.search({ query })).map((h) => h.id);

describe("the desk's country in a patient search", () => {
  it('a national number is read in the desk’s country: the exact number first, then numbers that merely contain its digits', async () => {
    for (const typed of ['312 555 0142', '(312) 555-0142', '3125550142']) expect(await ids(typed)).toEqual([exact, longer]);
  });

  it('a number typed with its country code needs no country', async () => {
    // Its digits (13125550142) are not inside the other number's.
    expect(await ids('+1 312 555 0142')).toEqual([exact]);
    expect(await ids('+49 31255501420')).toEqual([longer]);
  });

  it('names and parts of numbers are found without it', async () => {
    expect(await ids('aaron longer')).toEqual([longer]);
    expect(await ids('555 01')).toEqual(expect.arrayContaining([exact, longer]));
  });

  it('needsCountry: only a whole number without its country code', () => {
    const read = (text: string) => needsCountry(parsePatientQuery(text, null));
    expect(read('312 555 0142')).toBe(true);
    expect(read('(312) 555-0142')).toBe(true);
    expect(read('312555')).toBe(true);
    expect(read('+1 312 555 0142')).toBe(false);
    expect(read('001 312 555 0142')).toBe(false);
    expect(read('31255')).toBe(false);
    expect(read('garcia chl')).toBe(false);
    expect(read('1991-07-14')).toBe(false);
    expect(read('14/07/1991 garcia')).toBe(false);
  });
});

describe('the search joins the request’s tenant scope instead of opening a transaction of its own', () => {
  const actor = (): Actor => ({
    staffId: setup.demo.staff.receptionist.id,
    tenantId: setup.demo.tenantId,
    role: 'RECEPTIONIST',
    name: 'Desk',
    branchIds: [setup.demo.branches.east],
    sessionId: 'none',
    desk: 'test',
    mustChangePassword: false,
  });
  const search = (query: string) => setup.db.deps.patients.search(actor(), { query, limit: 20 });

  it('in a read’s transaction and in a command’s scope it finds the same, ranked alike', async () => {
    expect((await withTenantTransaction(setup.db.deps.db, setup.demo.tenantId, () => search('312 555 0142'))).map((h) => h.id)).toEqual([exact, longer]);
    expect((await withTenant(setup.demo.tenantId, () => search('312 555 0142'))).map((h) => h.id)).toEqual([exact, longer]);
  });

  it('outside any tenant scope it picks no tenant itself: row-level security shows it nobody', async () => {
    expect(await search('aaron longer')).toEqual([]);
    expect(await search('312 555 0142')).toEqual([]);
  });
});

describe('the trigram indexes patient search reads', () => {
  it('keep at most 128 kB of new entries pending, so a search never reads megabytes of them', async () => {
    const { rows } = await setup.db.sql.query(
      `SELECT relname, reloptions FROM pg_class WHERE relname IN ('patient_search_name_trgm_idx', 'patient_search_phones_trgm_idx') ORDER BY relname`,
    );
    expect(rows).toEqual([
      { relname: 'patient_search_name_trgm_idx', reloptions: ['gin_pending_list_limit=128'] },
      { relname: 'patient_search_phones_trgm_idx', reloptions: ['gin_pending_list_limit=128'] },
    ]);
  });
});
