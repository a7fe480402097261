import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { domainOf, failure } from '../testing/errors.js';
import { demoDatabase } from '../testing/file-database.js';
import { gpBooking } from '../testing/observed.js';

// The patient record end to end: create with the duplicate check, edit with
// audit, merge, profile, and search ranked the way a desk types.
const setup = demoDatabase({ emailDomain: 'records.test', patients: 30 });
let desk: Caller;
let manager: Caller;

beforeAll(async () => {
  desk = await callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password, 'front 1');
  manager = await callerFor(setup.db.deps, setup.demo.staff.manager.email, setup.demo.password, 'office');
});

async function created(input: Parameters<Caller['patients']['register']>[0]) {
  const result = await desk.patients.register({ ...input, confirmNotDuplicate: true });
  if (result.outcome !== 'created') throw new Error('expected a new record');
  return result.patient;
}

describe('a new record', () => {
  it('keeps the phone in E.164, shows it formatted, and holds every field of the record', async () => {
    const p = await created({
      name: 'Chloé García-Márquez',
      phone: '(312) 555-0142',
      otherPhones: ['+44 20 7946 0011'],
      email: 'chloe@example.com',
      dateOfBirth: '1985-03-24',
      sex: 'female',
      address: '1 Lake St, Chicago',
      preferredContact: 'sms',
      consentToMessages: true,
      alerts: ['wheelchair', 'allergy: penicillin'],
      nationalId: 'ab-123-456',
      insuranceId: 'INS 998877',
    });
    expect(p).toMatchObject({ phoneE164: '+13125550142', phone: '+1 312 555 0142', otherPhones: ['+44 20 7946 0011'], alerts: ['wheelchair', 'allergy: penicillin'], version: 1 });
    const { rows } = await setup.db.sql.query(`SELECT phone, search_name FROM patient WHERE id = $1`, [p.id]);
    expect(rows[0]).toEqual({ phone: '+13125550142', search_name: ' chloe garcia marquez' });
  });

  it('a number that cannot be one is refused next to its field, and nothing is written', async () => {
    const before = (await setup.db.sql.query(`SELECT count(*)::int AS n FROM patient`)).rows[0].n;
    const refused = domainOf(await failure(desk.patients.register({ name: 'Bad Phone', phone: '555 12' })));
    expect(refused).toMatchObject({ code: 'BAD_INPUT', details: { field: 'phone' } });
    expect(refused?.message).toMatch(/digits/);
    expect((await setup.db.sql.query(`SELECT count(*)::int AS n FROM patient`)).rows[0].n).toBe(before);
  });

  it('same name and date of birth (accents aside), or the same phone in another format: the duplicates are answered and nothing is written', async () => {
    const original = await created({ name: 'Renée Dubois', phone: '+1 646 555 0100', dateOfBirth: '1970-01-02' });
    const byName = await desk.patients.register({ name: 'renee  DUBOIS', phone: '+1 646 555 0999', dateOfBirth: '1970-01-02' });
    expect(byName).toMatchObject({ outcome: 'possible_duplicates', duplicates: [{ id: original.id, why: 'same name and date of birth', phone: '+1 646 555 0100' }] });
    const byPhone = await desk.patients.register({ name: 'Someone Else', phone: '646.555.0100' });
    expect(byPhone).toMatchObject({ outcome: 'possible_duplicates', duplicates: [{ id: original.id, why: 'same phone' }] });
    expect((await setup.db.sql.query(`SELECT count(*)::int AS n FROM patient WHERE name IN ('renee  DUBOIS', 'Someone Else')`)).rows[0].n).toBe(0);
    // "Not the same person": created.
    const twin = await desk.patients.register({ name: 'Someone Else', phone: '646.555.0100', confirmNotDuplicate: true });
    expect(twin.outcome).toBe('created');
  });
});

describe('an edit', () => {
  it('changes the fields sent, writes patient.updated with the field names and never the values, and refuses an old version', async () => {
    const p = await created({ name: 'Edit Me', phone: '+1 212 555 7000', dateOfBirth: '1990-05-05' });
    const changed = await desk.patients.update({ patientId: p.id, version: p.version, dateOfBirth: '1990-05-06', alerts: ['hearing aid'], phone: '212 555 7001' });
    expect(changed).toMatchObject({ dateOfBirth: '1990-05-06', alerts: ['hearing aid'], phoneE164: '+12125557001', version: 2 });
    const { rows } = await setup.db.sql.query(`SELECT payload, actor_id, desk FROM event WHERE type = 'patient.updated' AND patient_id = $1`, [p.id]);
    expect(rows).toEqual([{ payload: { patientId: p.id, fields: ['phone', 'dateOfBirth', 'alerts'] }, actor_id: setup.demo.staff.receptionist.id, desk: 'front 1' }]);
    expect(JSON.stringify(rows)).not.toContain('1990');
    const stale = domainOf(await failure(manager.patients.update({ patientId: p.id, version: 1, name: 'Late Edit' })));
    expect(stale).toMatchObject({ code: 'INVALID_STATE', details: { status: 'changed' } });
    expect((await desk.patients.get({ patientId: p.id })).name).toBe('Edit Me');
  });

  it('the profile lists the change with who made it', async () => {
    const p = await created({ name: 'Audit Trail', phone: '+1 212 555 7100' });
    await manager.patients.update({ patientId: p.id, version: 1, notes: 'prefers mornings' });
    const profile = await desk.patients.profile({ patientId: p.id });
    expect(profile.history.map((h) => [h.type, h.actorName, h.fields])).toEqual([
      ['patient.updated', expect.any(String), ['notes']],
      ['patient.created', expect.any(String), []],
    ]);
  });
});

describe('a merge', () => {
  it('moves the duplicate’s appointments to the survivor, keeps its phones and alerts, and leaves it pointing at the survivor', async () => {
    const survivor = await created({ name: 'Merge Keeper', phone: '+1 212 555 7200', alerts: ['wheelchair'] });
    const duplicate = await created({ name: 'Merge Keeper', phone: '+1 212 555 7201', alerts: ['allergy'], email: 'keep@example.com' });
    const booked = await desk.booking.book(gpBooking(setup.demo, '09:00', duplicate.id));
    const result = await desk.patients.merge({ survivorId: survivor.id, duplicateId: duplicate.id });
    expect(result).toMatchObject({ appointments: 1, tokens: 0, survivor: { otherPhones: ['+1 212 555 7201'], alerts: ['wheelchair', 'allergy'], email: 'keep@example.com' } });
    const { rows } = await setup.db.sql.query(`SELECT patient_id FROM appointment WHERE id = $1`, [booked.id]);
    expect(rows[0].patient_id).toBe(survivor.id);
    const gone = await desk.patients.get({ patientId: duplicate.id });
    expect(gone.mergedIntoId).toBe(survivor.id);
    expect((await desk.patients.search({ query: 'merge keeper' })).map((h) => h.id)).toEqual([survivor.id]);
    // The survivor is found by the merged record's phone too.
    expect((await desk.patients.search({ query: '212-555-7201' })).map((h) => h.id)).toEqual([survivor.id]);
    const profile = await desk.patients.profile({ patientId: survivor.id });
    expect(profile.upcoming.map((a) => a.id)).toEqual([booked.id]);
    expect(profile.mergedFrom.map((m) => m.id)).toEqual([duplicate.id]);
    // History kept: the duplicate's own creation reads on the survivor's profile, with the merge.
    expect(profile.history.map((h) => h.type).sort()).toEqual(['patient.created', 'patient.created', 'patient.merged']);
    const again = domainOf(await failure(desk.patients.merge({ survivorId: survivor.id, duplicateId: duplicate.id })));
    expect(again).toMatchObject({ code: 'INVALID_STATE', details: { status: 'merged' } });
  });

  it('two records booked at the same time cannot be merged: said in plain words, nothing moved', async () => {
    const a = await created({ name: 'Clash One', phone: '+1 212 555 7300' });
    const b = await created({ name: 'Clash One', phone: '+1 212 555 7301' });
    await desk.booking.book(gpBooking(setup.demo, '10:00', a.id));
    const other = await desk.booking.book({ ...gpBooking(setup.demo, '10:00', b.id), resourceIds: [setup.demo.resources.drRao!, setup.demo.resources.eastRoom2!] });
    const refused = domainOf(await failure(desk.patients.merge({ survivorId: a.id, duplicateId: b.id })));
    expect(refused).toMatchObject({ code: 'INVALID_STATE', details: { status: 'overlapping_appointments' } });
    expect(refused?.message).toMatch(/^Both records have an appointment at the same time \(GP consultation on .*\): one person cannot be in two places/);
    expect((await setup.db.sql.query(`SELECT patient_id FROM appointment WHERE id = $1`, [other.id])).rows[0].patient_id).toBe(b.id);
    expect((await desk.patients.get({ patientId: b.id })).mergedIntoId).toBeNull();
  });
});

describe('the profile', () => {
  it('upcoming and past appointments, counts of no-shows and cancellations, and products bought', async () => {
    const p = await created({ name: 'Profile Person', phone: '+1 212 555 7400' });
    const soon = await desk.booking.book({ ...gpBooking(setup.demo, '11:00', p.id), products: [{ productId: setup.demo.products.brush, quantity: 2 }] });
    const later = await desk.booking.book(gpBooking(setup.demo, '12:00', p.id));
    await desk.booking.cancel({ appointmentId: later.id, version: later.version, reason: 'Patient asked' });
    const profile = await desk.patients.profile({ patientId: p.id });
    expect(profile.upcoming.map((a) => a.id)).toEqual([soon.id]);
    expect(profile.upcoming[0]).toMatchObject({ serviceName: 'GP consultation', practitioners: ['Dr James Carter'], products: [{ quantity: 2 }] });
    expect(profile.past.map((a) => [a.id, a.status, a.cancelReason])).toEqual([[later.id, 'CANCELLED', 'Patient asked']]);
    expect(profile.counts).toEqual({ completed: 0, noShows: 0, cancelled: 1, upcoming: 1 });
    expect(profile.products).toEqual([expect.objectContaining({ quantity: 2 })]);
    const { rows } = await setup.db.sql.query(`SELECT count(*)::int AS n FROM event WHERE type = 'patient.viewed' AND patient_id = $1`, [p.id]);
    expect(rows[0].n).toBe(1);
  });
});

describe('search, ranked', () => {
  let chloe: string;
  let jose: string;
  beforeAll(async () => {
    chloe = (await created({ name: 'Chloe Garcia', phone: '+1 773 555 0188', dateOfBirth: '1991-07-14', nationalId: 'X-7788-99' })).id;
    jose = (await created({ name: 'José Ñúñez', phone: '+1 773 555 0199' })).id;
    await created({ name: 'Garcian Chlodwig', phone: '+1 773 555 0177' });
    await created({ name: 'Marco Garcia', phone: '+1 773 555 0166' });
  });
  const ids = async (query: string) => (await desk.patients.search({ query })).map((h) => h.id);

  it('"garcia chl": every word begins some part of the name, in any order', async () => {
    const hits = await desk.patients.search({ query: 'garcia chl' });
    expect(hits.map((h) => h.name)).toEqual(expect.arrayContaining(['Chloe Garcia', 'Garcian Chlodwig']));
    expect(hits.map((h) => h.name)).not.toContain('Marco Garcia');
    expect(hits.every((h) => h.match === 'name')).toBe(true);
    expect(await ids('chl GARC')).toEqual(expect.arrayContaining([chloe]));
  });

  it('accents and case do not matter either way', async () => {
    expect(await ids('jose nunez')).toEqual([jose]);
    expect(await ids('JOSÉ')).toEqual([jose]);
    expect((await ids('chloé garcía'))[0]).toBe(chloe);
  });

  it('a phone in any format; the exact number first', async () => {
    for (const typed of ['+1 773 555 0188', '(773) 555-0188', '7735550188', '001 773 555 0188', '555 0188']) {
      expect(await ids(typed)).toEqual([chloe]);
    }
    const partial = await desk.patients.search({ query: '773 555 01' });
    expect(partial.length).toBe(4);
  });

  it('a date of birth, alone or with a name; an id as printed on the card', async () => {
    expect(await ids('1991-07-14')).toEqual([chloe]);
    expect(await ids('14/07/1991 garcia')).toEqual([chloe]);
    expect(await ids('x778899')).toEqual([chloe]);
    expect((await desk.patients.search({ query: 'X 7788 99' }))[0]).toMatchObject({ id: chloe, match: 'id' });
  });

  it('a typo finds the name that looks alike when nothing matches as typed', async () => {
    expect((await desk.patients.search({ query: 'chloe garsia' }))[0]).toMatchObject({ id: chloe, match: 'similar' });
  });

  it('another tenant’s patients are never found, by name, phone or id', async () => {
    const other = await seedDemo(setup.db.owner, { emailDomain: 'records-other.test', patients: 2 });
    const outsider = await callerFor(setup.db.deps, other.staff.admin.email, other.password);
    for (const q of ['chloe garcia', '773 555 0188', 'X778899', '1991-07-14']) expect(await outsider.patients.search({ query: q })).toEqual([]);
    expect(domainOf(await failure(outsider.patients.profile({ patientId: chloe })))?.code).toBe('NOT_FOUND');
    expect(domainOf(await failure(outsider.patients.merge({ survivorId: chloe, duplicateId: jose })))?.code).toBe('NOT_FOUND');
  });
});
