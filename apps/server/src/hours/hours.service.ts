import type { z } from 'zod';
import {
  DomainError,
  HOURS_MAX_DAYS_AHEAD,
  localDateOf,
  localDayBounds,
  type HoursWeekView,
  type MinuteInterval,
  type addLeaveInput,
  type hoursWeekInput,
  type setExceptionInput,
} from '@frontdesk/shared';
import { NOTHING_SETTLED, type AffectedAppointments, type Settled } from '../affected/affected.js';
import { assertBranch, type Actor } from '../auth/scope.js';
import type { CatalogueCache } from '../availability/catalogue-cache.js';
import { inTransaction, type Db } from '../db/tx.js';
import { notFound } from '../errors.js';
import type { ScheduleService } from '../schedule/schedule.service.js';
import { appendEvents } from '../sync/append.js';
import { toTimeOffView } from '../views/time-off.js';
import type { HoursRepository } from './hours.repository.js';
import { buildWeek, mondayOf, plusDays } from './week.js';

export interface SetExceptionResult {
  resourceId: string;
  branchId: string;
  date: string;
  /** 'pattern' once the exception is removed: the weekly pattern applies again. */
  source: 'exception' | 'pattern';
  intervals: MinuteInterval[];
  settled: Settled;
}

const sameIntervals = (a: readonly MinuteInterval[], b: readonly MinuteInterval[]) =>
  a.length === b.length && a.every((x, i) => x.startMinute === b[i]!.startMinute && x.endMinute === b[i]!.endMinute);

// The working-hours screen: a resource's week at a branch, hours of single
// dates, leave over several days. The weekly pattern and time off are the
// schedule service's; leave goes through it.
export class HoursService {
  constructor(
    private readonly db: Db,
    private readonly repo: HoursRepository,
    private readonly schedule: ScheduleService,
    /** Settles the appointments a change leaves outside hours (keep, cancel, move), inside the change's transaction. */
    private readonly affected: Pick<AffectedAppointments, 'settle'>,
    /** Told when hours change, so slot searches see it at once. */
    private readonly catalogues: CatalogueCache,
    private readonly now: () => Date,
  ) {}

  /** Everything the week at a glance shows: hours per day (pattern or exception), time off, appointments. */
  async week(actor: Actor, input: z.output<typeof hoursWeekInput>): Promise<HoursWeekView> {
    assertBranch(actor, input.branchId);
    const branch = await this.repo.branch(this.db, actor.tenantId, input.branchId);
    if (!branch) throw notFound('branch');
    const resource = await this.repo.resourceAt(this.db, actor.tenantId, input.resourceId, branch.id);
    if (!resource) throw notFound('resource');
    const weekStart = mondayOf(input.weekOf);
    const weekEnd = plusDays(weekStart, 6);
    const from = new Date(localDayBounds(weekStart, branch.timeZone).start);
    const to = new Date(localDayBounds(weekEnd, branch.timeZone).end);
    const scope = { tenantId: actor.tenantId, resourceId: resource.id, branchId: branch.id };
    // One after the other: the read's transaction is one connection, which runs one statement at a time anyway.
    const pattern = await this.repo.pattern(this.db, actor.tenantId, resource.id, branch.id);
    const exceptions = await this.repo.exceptions(this.db, actor.tenantId, resource.id, branch.id, weekStart, weekEnd);
    const timeOffRows = await this.repo.timeOff(this.db, { ...scope, from, to });
    const appointments = await this.repo.appointments(this.db, { ...scope, from, to, now: this.now() });
    const timeOff = timeOffRows.map(toTimeOffView);
    return {
      resource,
      branch,
      weekStart,
      pattern,
      days: buildWeek({ weekStart, timeZone: branch.timeZone, pattern, exceptions, timeOff, appointments }),
      timeOff,
    };
  }

  /**
   * The hours of one date, replacing the weekly pattern that day (an extra
   * working day is an exception on a day without a pattern); an empty list
   * removes the exception. Appointments the new hours leave out are settled.
   */
  async setException(actor: Actor, input: z.output<typeof setExceptionInput>): Promise<SetExceptionResult> {
    assertBranch(actor, input.branchId);
    const intervals = [...input.intervals].sort((a, b) => a.startMinute - b.startMinute);
    const result = await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const branch = await this.repo.branch(tx, actor.tenantId, input.branchId);
      if (!branch) throw notFound('branch');
      this.assertAhead(input.date, branch.timeZone, 'date', 'That date has passed: hours can be changed for today or later.');
      if (!(await this.repo.lockResourceAt(tx, actor.tenantId, input.resourceId, branch.id))) throw notFound('resource');
      const source = intervals.length > 0 ? 'exception' : 'pattern';
      const base = { resourceId: input.resourceId, branchId: branch.id, date: input.date, source, intervals } as const;
      const before = await this.repo.exceptions(tx, actor.tenantId, input.resourceId, branch.id, input.date, input.date);
      if (sameIntervals(before, intervals)) return { ...base, settled: { ...NOTHING_SETTLED } };

      await this.repo.replaceException(tx, { tenantId: actor.tenantId, resourceId: input.resourceId, branchId: branch.id, date: input.date, intervals, createdBy: actor.staffId });
      const day = localDayBounds(input.date, branch.timeZone);
      const settled = await this.affected.settle(
        tx,
        actor,
        { branchIds: [branch.id], resourceIds: [input.resourceId], from: new Date(Math.max(day.start, this.now().getTime())), to: new Date(day.end) },
        input.resolutions,
      );
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
        {
          type: 'hours.exception_changed',
          tenantId: actor.tenantId,
          branchId: branch.id,
          aggregateId: input.resourceId,
          payload: { resourceId: input.resourceId, branchId: branch.id, dates: [input.date] },
        },
      ]);
      return { ...base, settled };
    });
    this.catalogues.invalidate(actor.tenantId);
    return result;
  }

  /** Leave of a resource over whole local days, from..to inclusive: time off of the kind LEAVE, through the schedule (which settles). */
  async addLeave(actor: Actor, input: z.output<typeof addLeaveInput>) {
    assertBranch(actor, input.branchId);
    const branch = await this.repo.branch(this.db, actor.tenantId, input.branchId);
    if (!branch) throw notFound('branch');
    this.assertAhead(input.to, branch.timeZone, 'to', 'That leave would be over already: its last day has passed.');
    return this.schedule.addTimeOff(actor, {
      branchId: branch.id,
      resourceId: input.resourceId,
      kind: 'LEAVE',
      startsAt: new Date(localDayBounds(input.from, branch.timeZone).start).toISOString(),
      endsAt: new Date(localDayBounds(input.to, branch.timeZone).end).toISOString(),
      reason: input.reason,
      resolutions: input.resolutions,
    });
  }

  /** Refuses a local date before today at the branch, or further ahead than hours are planned. */
  private assertAhead(date: string, timeZone: string, field: string, past: string): void {
    const today = localDateOf(this.now().getTime(), timeZone);
    if (date < today) throw new DomainError('BAD_INPUT', past, { field });
    if (date > plusDays(today, HOURS_MAX_DAYS_AHEAD)) {
      throw new DomainError('BAD_INPUT', `That date is too far ahead: hours can be planned up to ${HOURS_MAX_DAYS_AHEAD / 365} years from today.`, { field });
    }
  }
}
