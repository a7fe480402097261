import type { z } from 'zod';
import {
  countryOfTimeZone,
  DomainError,
  formatPhone,
  normalisePhone,
  parsePatientQuery,
  readDate,
  type PatientCreateResult,
  type PatientHit,
  type PatientProfile,
  type PatientQuery,
  type PatientRecord,
  type patientCreateInput,
  type patientMergeInput,
  type patientSearchInput,
  type patientUpdateInput,
} from '@frontdesk/shared';
import { recordPatientRead } from '../audit/record.js';
import type { Actor } from '../auth/scope.js';
import { notFound } from '../errors.js';
import { isExclusionViolation, isUniqueViolation } from '../db/errors.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { appendEvents } from '../sync/append.js';
import type { PatientProfileRepository } from './patient-profile.repository.js';
import { toRecord, type PatientData, type PatientRow, type PatientsRepository } from './patients.repository.js';

type CreateInput = z.output<typeof patientCreateInput>;
type UpdateInput = z.output<typeof patientUpdateInput>;

/** Punctuation that is part of how names are written, and ignored in a search; any other is matched as typed. */
const NAME_PUNCTUATION = /^[\p{L}\p{N}\s'’.,-]*$/u;

/**
 * Patients belong to the tenant: every branch's desk may find them.
 * A number typed without its country code is read in the country of the
 * desk's first branch (from its time zone: America/Chicago → US).
 */
export class PatientsService {
  constructor(
    private readonly db: Db,
    private readonly repo: PatientsRepository,
    private readonly profiles: PatientProfileRepository,
  ) {}

  /**
   * A read, run in the request's tenant transaction that `this.db` joins
   * (db/request-scope.ts), as the day sheet's reads are: a transaction of its
   * own here would only set the tenant a second time, one round trip more.
   */
  async search(actor: Actor, input: z.output<typeof patientSearchInput>): Promise<PatientHit[]> {
    // The desk's country only reads a whole number typed without its country code: no lookup for a name, a date or a +number.
    const international = parsePatientQuery(input.query, null);
    const query = needsCountry(international) ? parsePatientQuery(input.query, await this.country(this.db, actor)) : international;
    const literals = input.query.split(/\s+/).filter((w) => w && !NAME_PUNCTUATION.test(w) && readDate(w).length === 0).map((w) => w.toLowerCase());
    const found = await this.repo.search(this.db, actor.tenantId, { ...query, literals }, input.limit);
    // A name that looks alike (a typo) only when nothing matched as typed: otherwise it would crowd out the real matches.
    return found.length > 0 ? found : this.repo.search(this.db, actor.tenantId, { ...query, literals }, input.limit, true);
  }

  /**
   * A new record. With `checkDuplicates` (the desk's form), records with the
   * same name and date of birth or the same phone are answered instead and
   * nothing is written, until the desk says it is a different person.
   */
  create(actor: Actor, input: CreateInput & { checkDuplicates?: boolean }): Promise<PatientCreateResult> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const data = await this.dataFor(tx, actor, input);
      if (input.checkDuplicates && !input.confirmNotDuplicate) {
        const found = await this.repo.duplicates(tx, actor.tenantId, data.name, data.dateOfBirth, [data.phone, ...data.otherPhones]);
        if (found.length > 0) {
          return {
            outcome: 'possible_duplicates',
            duplicates: found.map((d) => ({ id: d.id, name: d.name, phone: formatPhone(d.phone), dateOfBirth: d.date_of_birth?.toISOString().slice(0, 10) ?? null, alerts: d.alerts, match: d.why === 'same phone' ? 'phone' : 'dob', why: d.why })),
          };
        }
      }
      const row = await this.repo.create(tx, actor.tenantId, data);
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
        { type: 'patient.created', tenantId: actor.tenantId, branchId: null, aggregateId: row.id, patientId: row.id, payload: { patientId: row.id } },
      ]);
      return { outcome: 'created', patient: toRecord(row) };
    });
  }

  /** Changes the fields sent; the event names the fields, never the values. STALE-like refusal when another desk changed it first. */
  update(actor: Actor, input: UpdateInput): Promise<PatientRecord> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      await this.repo.lock(tx, actor.tenantId, [input.patientId]);
      const current = await this.repo.get(tx, actor.tenantId, input.patientId);
      if (!current) throw notFound('patient');
      if (current.mergedIntoId) throw mergedAway();
      if (current.version !== input.version) throw changedElsewhere();
      const before = toData(current);
      const merged: PatientData = { ...before };
      const country = await this.country(tx, actor);
      if (input.name !== undefined) merged.name = input.name;
      if (input.phone !== undefined) merged.phone = phoneOrRefuse(input.phone, country, 'phone');
      if (input.otherPhones !== undefined) merged.otherPhones = input.otherPhones.map((p, i) => phoneOrRefuse(p, country, `otherPhones.${i}`));
      if (input.email !== undefined) merged.email = input.email || null;
      if (input.dateOfBirth !== undefined) merged.dateOfBirth = input.dateOfBirth || null;
      if (input.sex !== undefined) merged.sex = input.sex || null;
      if (input.address !== undefined) merged.address = input.address;
      if (input.preferredContact !== undefined) merged.preferredContact = input.preferredContact;
      if (input.consentToMessages !== undefined) merged.consentToMessages = input.consentToMessages;
      if (input.alerts !== undefined) merged.alerts = input.alerts;
      if (input.notes !== undefined) merged.notes = input.notes;
      if (input.nationalId !== undefined) merged.nationalId = input.nationalId || null;
      if (input.insuranceId !== undefined) merged.insuranceId = input.insuranceId || null;
      const fields = (Object.keys(merged) as (keyof PatientData)[]).filter((k) => JSON.stringify(merged[k]) !== JSON.stringify(before[k]));
      if (fields.length === 0) return toRecord(current);
      const row = await this.repo.update(tx, actor.tenantId, input.patientId, input.version, merged);
      if (!row) throw changedElsewhere();
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
        // Field names only: the log is read by audit views and desks, and a date of birth or a note is not theirs to repeat.
        { type: 'patient.updated', tenantId: actor.tenantId, branchId: null, aggregateId: row.id, patientId: row.id, payload: { patientId: row.id, fields } },
      ]);
      return toRecord(row);
    });
  }

  /**
   * Merges a true duplicate into the survivor: the duplicate's appointments
   * and tokens move (with their products), its other phones and alerts join
   * the survivor's, and the duplicate stays as a record pointing at the
   * survivor, so its history still reads as it was.
   */
  merge(actor: Actor, input: z.output<typeof patientMergeInput>): Promise<{ survivor: PatientRecord; appointments: number; tokens: number }> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      await this.repo.lock(tx, actor.tenantId, [input.survivorId, input.duplicateId]);
      // One after the other: one transaction is one connection, which runs one statement at a time anyway.
      const survivor = await this.repo.get(tx, actor.tenantId, input.survivorId);
      const duplicate = await this.repo.get(tx, actor.tenantId, input.duplicateId);
      if (!survivor || !duplicate) throw notFound('patient');
      if (survivor.mergedIntoId || duplicate.mergedIntoId) throw mergedAway();
      const clashes = await this.repo.overlapping(tx, actor.tenantId, survivor.id, duplicate.id);
      if (clashes.length > 0) throw overlapping(clashes.map((c) => `${c.serviceName} on ${c.startsAt.toISOString().slice(0, 16).replace('T', ' at ')} UTC`));
      const tokenClashes = await this.repo.sharedLiveTokens(tx, actor.tenantId, survivor.id, duplicate.id);
      if (tokenClashes.length > 0) {
        throw new DomainError('INVALID_STATE', `Both records hold a token for ${tokenClashes.map((t) => t.name).join(', ')}: a patient holds one token per session. Cancel one of the two tokens, then merge.`, { status: 'shared_token' });
      }
      let moved: { appointments: number; tokens: number };
      try {
        moved = await this.repo.merge(tx, actor.tenantId, survivor.id, duplicate.id);
      } catch (error) {
        // Checked above; a booking committed in between still meets the database's guard.
        if (isExclusionViolation(error)) throw overlapping([]);
        if (isUniqueViolation(error)) throw new DomainError('INVALID_STATE', 'Both records hold a token for the same session: cancel one of the two tokens, then merge.', { status: 'shared_token' });
        throw error;
      }
      const data = toData(survivor);
      const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];
      const otherPhones = union(data.otherPhones, [duplicate.phone, ...duplicate.otherPhones]).filter((p) => p !== data.phone).slice(0, 5);
      const kept: PatientData = {
        ...data,
        otherPhones,
        alerts: union(data.alerts, duplicate.alerts),
        email: data.email ?? duplicate.email,
        dateOfBirth: data.dateOfBirth ?? toData(duplicate).dateOfBirth,
        sex: data.sex ?? toData(duplicate).sex,
        nationalId: data.nationalId ?? duplicate.nationalId,
        insuranceId: data.insuranceId ?? duplicate.insuranceId,
        address: data.address || duplicate.address,
        notes: [data.notes, duplicate.notes].filter(Boolean).join('\n'),
      };
      const row = (await this.repo.update(tx, actor.tenantId, survivor.id, survivor.version, kept)) ?? survivor;
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
        {
          type: 'patient.merged',
          tenantId: actor.tenantId,
          branchId: null,
          aggregateId: survivor.id,
          patientId: survivor.id,
          payload: { survivorId: survivor.id, duplicateId: duplicate.id, ...moved },
        },
      ]);
      return { survivor: toRecord(row), ...moved };
    });
  }

  /** A patient's record; reading it is written to the audit log. */
  get(actor: Actor, patientId: string): Promise<PatientRecord> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const row = await this.repo.get(tx, actor.tenantId, patientId);
      if (!row) throw notFound('patient');
      await recordPatientRead(tx, actor, row.id);
      return toRecord(row);
    });
  }

  /** The profile: record, appointments ahead and behind, counts, tokens, products, history. Reading it is audited. */
  profile(actor: Actor, patientId: string, now = new Date()): Promise<PatientProfile> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const row = await this.repo.get(tx, actor.tenantId, patientId);
      if (!row) throw notFound('patient');
      await recordPatientRead(tx, actor, row.id);
      const mergedFrom = await this.repo.mergedFrom(tx, actor.tenantId, row.id);
      const { upcoming, past } = await this.profiles.appointments(tx, actor.tenantId, row.id, now);
      const counts = await this.profiles.counts(tx, actor.tenantId, row.id);
      return {
        patient: toRecord(row),
        upcoming,
        past,
        counts: { ...counts, upcoming: upcoming.length },
        tokens: await this.profiles.tokens(tx, actor.tenantId, row.id),
        products: await this.profiles.products(tx, actor.tenantId, row.id),
        history: await this.profiles.history(tx, actor.tenantId, [row.id, ...mergedFrom.map((m) => m.id)]),
        mergedFrom: mergedFrom.map((m) => ({ id: m.id, name: m.name, mergedAt: m.mergedAt.toISOString() })),
      };
    });
  }

  private async dataFor(tx: Tx, actor: Actor, input: CreateInput): Promise<PatientData> {
    const country = await this.country(tx, actor);
    return {
      name: input.name,
      phone: phoneOrRefuse(input.phone, country, 'phone'),
      otherPhones: input.otherPhones.map((p, i) => phoneOrRefuse(p, country, `otherPhones.${i}`)),
      email: input.email ?? null,
      dateOfBirth: input.dateOfBirth ?? null,
      sex: input.sex ?? null,
      address: input.address,
      preferredContact: input.preferredContact,
      consentToMessages: input.consentToMessages,
      alerts: input.alerts,
      notes: input.notes,
      nationalId: input.nationalId ?? null,
      insuranceId: input.insuranceId ?? null,
    };
  }

  /** The country a number without its code is read in: that of the desk's first branch's time zone. */
  private async country(tx: Db | Tx, actor: Actor): Promise<string | null> {
    const branchId = actor.branchIds[0];
    if (!branchId) return null;
    const branch = await tx.branch.findFirst({ where: { tenantId: actor.tenantId, id: branchId }, select: { timeZone: true } });
    return branch ? countryOf(branch.timeZone) : null;
  }
}

/**
 * Whether a query read without a country could read differently with one: a
 * number long enough to be whole (parsePatientQuery's only use of the country)
 * that did not already read as one, i.e. was not typed with its country code.
 */
export function needsCountry(query: PatientQuery): boolean {
  return query.phoneDigits !== null && query.phoneDigits.length >= 6 && query.phoneE164 === null;
}

const zoneCountries = new Map<string, string | null>();
/** countryOfTimeZone, remembered per zone: a zone it does not list directly (UTC) costs an Intl.DateTimeFormat each time. */
function countryOf(zone: string): string | null {
  if (!zoneCountries.has(zone)) zoneCountries.set(zone, countryOfTimeZone(zone));
  return zoneCountries.get(zone)!;
}

function toData(row: PatientRow): PatientData {
  const r = toRecord(row);
  return {
    name: r.name,
    phone: row.phone,
    otherPhones: row.otherPhones,
    email: r.email,
    dateOfBirth: r.dateOfBirth,
    sex: r.sex,
    address: r.address,
    preferredContact: r.preferredContact,
    consentToMessages: r.consentToMessages,
    alerts: r.alerts,
    notes: r.notes,
    nationalId: r.nationalId,
    insuranceId: r.insuranceId,
  };
}

function phoneOrRefuse(raw: string, country: string | null, field: string): string {
  const read = normalisePhone(raw, country);
  if (!read.ok) throw new DomainError('BAD_INPUT', read.message, { field });
  return read.e164;
}

function changedElsewhere(): DomainError<'INVALID_STATE'> {
  return new DomainError('INVALID_STATE', 'This record was changed on another desk meanwhile. It now shows the latest details: make your change again.', { status: 'changed' });
}

function mergedAway(): DomainError<'INVALID_STATE'> {
  return new DomainError('INVALID_STATE', 'This record was merged into another one: open that record instead.', { status: 'merged' });
}

function overlapping(what: string[]): DomainError<'INVALID_STATE'> {
  return new DomainError(
    'INVALID_STATE',
    `Both records have an appointment at the same time${what.length ? ` (${what.join('; ')})` : ''}: one person cannot be in two places. Cancel or move one of them, then merge.`,
    { status: 'overlapping_appointments' },
  );
}

