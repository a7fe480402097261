import type { z } from 'zod';
import {
  DomainError,
  localDateOf,
  localMinuteToInstant,
  type CapacitySessionView,
  type sessionTemplateCreateInput,
  type sessionTemplateListInput,
  type sessionTemplateUpdateInput,
} from '@frontdesk/shared';
import { assertBranch, mayActIn, type Actor } from '../auth/scope.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { notFound } from '../errors.js';
import { appendEvents, type AnyNewEvent, type EventAuthor } from '../sync/append.js';
import { toSessionView } from '../views/session.js';
import { isoWeekday, occurrences, type TemplateSchedule } from './occurrences.js';
import type { FutureSession, GeneratingTemplate, SessionsRepository, TemplateData, TemplateRow } from './sessions.repository.js';

export interface SessionTemplateView {
  id: string;
  branchId: string;
  resourceId: string | null;
  resourceName: string | null;
  name: string;
  weekdays: number[];
  startMinute: number;
  endMinute: number;
  capacity: number;
  active: boolean;
  validFrom: string;
  validUntil: string | null;
  /** The next sessions made from it, soonest first. */
  upcoming: CapacitySessionView[];
}

/** A future session the change would have removed, kept because tokens were issued for it. */
export interface KeptSession {
  id: string;
  startsAt: string;
  endsAt: string;
  issued: number;
}

export interface TemplateChangeResult {
  template: SessionTemplateView;
  /** Sessions made ahead by this change. */
  generated: number;
  /** Future sessions without tokens taken away (no longer on the template's days or times). */
  removed: number;
  kept: KeptSession[];
  /** What happened to sessions with tokens, in plain words; null when none were in the way. */
  message: string | null;
}

interface Reconciled {
  generated: number;
  removed: number;
  kept: KeptSession[];
}

const UPCOMING_PER_TEMPLATE = 5;
const GENERATOR: EventAuthor = { actorId: null, desk: 'session generator' };

// Recurring walk-in sessions: a template (OPD, Monday–Friday 09:00–12:00, 30
// tokens) and the capacity sessions made from it `daysAhead` days ahead, by
// each change (in its transaction) and by a daily job for every tenant. A
// session with tokens issued is never taken away.
export class SessionTemplatesService {
  constructor(
    private readonly db: Db,
    private readonly repo: SessionsRepository,
    private readonly now: () => Date,
    private readonly daysAhead: number,
  ) {}

  async list(actor: Actor, input: z.output<typeof sessionTemplateListInput>): Promise<SessionTemplateView[]> {
    if (input.branchId) assertBranch(actor, input.branchId);
    const rows = await this.repo.templates(this.db, actor.tenantId, input.branchId ? [input.branchId] : actor.branchIds);
    return this.views(this.db, actor.tenantId, rows);
  }

  create(actor: Actor, input: z.output<typeof sessionTemplateCreateInput>): Promise<TemplateChangeResult> {
    assertBranch(actor, input.branchId);
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const branch = await this.repo.branch(tx, actor.tenantId, input.branchId);
      if (!branch) throw notFound('branch');
      await this.checkResource(tx, actor, input.resourceId, input.branchId);
      const { id } = await this.repo.insertTemplate(tx, actor.tenantId, input.branchId, templateData(input));
      return this.apply(tx, actor, id, 'created');
    });
  }

  update(actor: Actor, input: z.output<typeof sessionTemplateUpdateInput>): Promise<TemplateChangeResult> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const current = await this.lock(tx, actor, input.templateId);
      await this.checkResource(tx, actor, input.resourceId, current.branchId);
      await this.repo.updateTemplate(tx, current.id, templateData(input));
      return this.apply(tx, actor, current.id, 'updated');
    });
  }

  /** Deactivated: no more sessions are made, and future ones without tokens are taken away. */
  setActive(actor: Actor, templateId: string, active: boolean): Promise<TemplateChangeResult> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const current = await this.lock(tx, actor, templateId);
      if (current.active !== active) await this.repo.updateTemplate(tx, current.id, { active });
      return this.apply(tx, actor, current.id, active ? 'activated' : 'deactivated');
    });
  }

  /**
   * The daily job: makes the sessions of every active template of every
   * tenant up to `daysAhead` days ahead; returns how many were made. Run
   * again it makes none (the (template, start) index).
   */
  async generateAll(): Promise<number> {
    let total = 0;
    for (const tenantId of await this.repo.templateTenants(this.db)) {
      total += await inTransaction(this.db, { tenantId }, async (tx) => {
        const events: AnyNewEvent[] = [];
        let made = 0;
        for (const t of await this.repo.lockActiveTemplates(tx, tenantId)) {
          const generated = await this.repo.insertSessions(tx, t, occurrences(schedule(t), t.timeZone, this.now().getTime(), this.daysAhead));
          made += generated;
          if (generated > 0) events.push(templateEvent(t, 'generated', { generated, removed: 0, kept: [] }));
        }
        await appendEvents(tx, GENERATOR, events);
        return made;
      });
    }
    return total;
  }

  /** The template as it now stands, its sessions brought in line, and its event. */
  private async apply(tx: Tx, actor: Actor, templateId: string, change: 'created' | 'updated' | 'activated' | 'deactivated'): Promise<TemplateChangeResult> {
    const t = await this.repo.lockTemplate(tx, actor.tenantId, templateId);
    if (!t) throw notFound('session template');
    const result = await this.reconcile(tx, t);
    await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [templateEvent(t, change, result)]);
    const [template] = await this.views(tx, actor.tenantId, [t]);
    return { template: template!, ...result, message: keptMessage(result.kept, t.timeZone) };
  }

  /**
   * Future sessions the template still makes are updated (name, resource, end,
   * capacity); those it no longer makes are removed unless tokens were issued
   * (then kept and reported); missing ones are made. Past and started sessions
   * are history and stay as they are.
   */
  private async reconcile(tx: Tx, t: GeneratingTemplate): Promise<Reconciled> {
    const now = this.now();
    const wanted = t.active ? schedule(t) : null;
    const refresh: { id: string; endsAt: Date }[] = [];
    const unwanted: FutureSession[] = [];
    for (const s of await this.repo.futureSessions(tx, t.tenantId, t.id, now)) {
      const endsAt = wanted && expectedEnd(wanted, t.timeZone, s.startsAt);
      if (endsAt) refresh.push({ id: s.id, endsAt });
      else unwanted.push(s);
    }
    await this.repo.refresh(tx, t.tenantId, t, refresh);
    // The rows are locked, so what was read of their tokens still holds.
    const removed = new Set(await this.repo.deleteUnused(tx, t.tenantId, unwanted.map((s) => s.id)));
    const kept = unwanted
      .filter((s) => !removed.has(s.id))
      .map((s) => ({ id: s.id, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(), issued: s.issued }));
    const generated = wanted && t.branchActive ? await this.repo.insertSessions(tx, t, occurrences(wanted, t.timeZone, now.getTime(), this.daysAhead)) : 0;
    return { generated, removed: removed.size, kept };
  }

  private async lock(tx: Tx, actor: Actor, templateId: string): Promise<GeneratingTemplate> {
    const t = await this.repo.lockTemplate(tx, actor.tenantId, templateId);
    // Another branch's template is as unknown as one that does not exist.
    if (!t || !mayActIn(actor, t.branchId)) throw notFound('session template');
    return t;
  }

  private async checkResource(tx: Tx, actor: Actor, resourceId: string | null, branchId: string): Promise<void> {
    if (!resourceId) return;
    const resource = await this.repo.resource(tx, actor.tenantId, resourceId);
    if (!resource) throw notFound('resource');
    if (!resource.branchIds.includes(branchId)) throw new DomainError('BAD_INPUT', `${resource.name} does not work at this branch.`, { field: 'resourceId' });
  }

  private async views(db: Db | Tx, tenantId: string, rows: readonly TemplateRow[]): Promise<SessionTemplateView[]> {
    const upcoming = await this.repo.upcoming(db, tenantId, rows.map((r) => r.id), this.now(), UPCOMING_PER_TEMPLATE);
    const resourceIds = [...new Set(rows.map((r) => r.resourceId).filter((id): id is string => id !== null))];
    const names = new Map((await this.repo.resourceNames(db, tenantId, resourceIds)).map((r) => [r.id, r.name]));
    return rows.map((r) => ({
      id: r.id,
      branchId: r.branchId,
      resourceId: r.resourceId,
      resourceName: r.resourceId ? (names.get(r.resourceId) ?? null) : null,
      name: r.name,
      weekdays: [...r.weekdays].sort((a, b) => a - b),
      startMinute: r.startMinute,
      endMinute: r.endMinute,
      capacity: r.capacity,
      active: r.active,
      validFrom: dateOnly(r.validFrom)!,
      validUntil: dateOnly(r.validUntil),
      upcoming: upcoming.filter((s) => s.templateId === r.id).map(({ templateId: _, ...s }) => toSessionView(s)),
    }));
  }
}

function templateData(input: z.output<typeof sessionTemplateCreateInput> | z.output<typeof sessionTemplateUpdateInput>): TemplateData {
  return {
    name: input.name,
    resourceId: input.resourceId,
    weekdays: [...input.weekdays].sort((a, b) => a - b),
    startMinute: input.startMinute,
    endMinute: input.endMinute,
    capacity: input.capacity,
    validFrom: new Date(`${input.validFrom}T00:00:00Z`),
    validUntil: input.validUntil ? new Date(`${input.validUntil}T00:00:00Z`) : null,
  };
}

function schedule(t: TemplateRow): TemplateSchedule {
  return { weekdays: t.weekdays, startMinute: t.startMinute, endMinute: t.endMinute, validFrom: dateOnly(t.validFrom)!, validUntil: dateOnly(t.validUntil) };
}

/** A DATE column as YYYY-MM-DD (the driver gives midnight UTC). */
function dateOnly(value: Date | string | null): string | null {
  if (value === null) return null;
  return typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10);
}

/** Where a session starting at `startsAt` would end if the template made it; null when the template makes no session then. */
function expectedEnd(s: TemplateSchedule, timeZone: string, startsAt: Date): Date | null {
  const date = localDateOf(startsAt.getTime(), timeZone);
  if (date < s.validFrom || (s.validUntil !== null && date > s.validUntil) || !s.weekdays.includes(isoWeekday(date))) return null;
  if (localMinuteToInstant(date, s.startMinute, timeZone) !== startsAt.getTime()) return null;
  const end = localMinuteToInstant(date, s.endMinute, timeZone);
  return end > startsAt.getTime() ? new Date(end) : null;
}

function templateEvent(t: GeneratingTemplate, change: 'created' | 'updated' | 'activated' | 'deactivated' | 'generated', r: Reconciled): AnyNewEvent {
  return {
    type: 'session_template.changed',
    tenantId: t.tenantId,
    branchId: t.branchId,
    aggregateId: t.id,
    payload: { templateId: t.id, change, generated: r.generated, removed: r.removed, kept: r.kept.length },
  };
}

/** Sessions kept because tokens were issued, in plain words with the branch's local times. */
export function keptMessage(kept: readonly KeptSession[], timeZone: string): string | null {
  if (kept.length === 0) return null;
  const when = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const list = kept.map((k) => `${when.format(new Date(k.startsAt))} (${k.issued} ${k.issued === 1 ? 'token' : 'tokens'})`).join('; ');
  const sessions = kept.length === 1 ? '1 session already has tokens and was kept' : `${kept.length} sessions already have tokens and were kept`;
  return `${sessions}: ${list}. Tell the patients holding them, or run the session as planned.`;
}
