import type { z } from 'zod';
import { DomainError, type TimeOffView, type WeeklyHours, type addTimeOffInput, type removeTimeOffInput, type setHoursInput } from '@frontdesk/shared';
import { assertBranch, type Actor } from '../auth/scope.js';
import { outsideOpeningHours } from '../branches/opening-hours.js';
import { forbidden, notFound } from '../errors.js';
import { inTransaction, type Db } from '../db/tx.js';
import { appendEvents } from '../sync/append.js';
import type { AffectedAppointments, Settled } from '../affected/affected.js';
import type { CatalogueCache } from '../availability/catalogue-cache.js';
import { toTimeOffView } from '../views/time-off.js';
import type { ScheduleRepository } from './schedule.repository.js';

export interface AddTimeOffResult {
  timeOff: TimeOffView;
  /** What became of the appointments already in that time, as the manager chose. */
  settled: Settled;
}

export interface SetHoursResult {
  resourceId: string;
  branchId: string;
  hours: WeeklyHours[];
  /** What became of the appointments the new hours leave out, as the manager chose. */
  settled: Settled;
}

// The branch manager's schedule: time off and weekly hours. Each command is
// one transaction that appends its event.
export class ScheduleService {
  constructor(
    private readonly db: Db,
    /** Told when hours or time off change, so slot searches see it at once. */
    private readonly catalogues: CatalogueCache,
    private readonly repo: ScheduleRepository,
    /** Appointments the change leaves outside the schedule: refused with the list, or kept, cancelled or moved. */
    private readonly affected: AffectedAppointments,
    private readonly now: () => Date,
  ) {}

  async addTimeOff(actor: Actor, input: z.output<typeof addTimeOffInput>): Promise<AddTimeOffResult> {
    assertBranch(actor, input.branchId);
    const result = await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      if (!(await this.repo.branch(tx, actor.tenantId, input.branchId))) throw notFound('branch');
      const resourceId = input.resourceId ?? null;
      if (resourceId) {
        const resource = await this.repo.resource(tx, actor.tenantId, resourceId);
        if (!resource || !resource.branches.some((b) => b.branchId === input.branchId)) throw notFound('resource');
      }
      const startsAt = new Date(input.startsAt);
      const endsAt = new Date(input.endsAt);
      const row = await this.repo.insertTimeOff(tx, {
        tenantId: actor.tenantId,
        branchId: input.branchId,
        resourceId,
        kind: input.kind,
        startsAt,
        endsAt,
        reason: input.reason,
        createdBy: actor.staffId,
      });
      const timeOff = toTimeOffView(row);
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
        { type: 'time_off.added', tenantId: actor.tenantId, branchId: input.branchId, aggregateId: timeOff.id, payload: { timeOff } },
      ]);
      // A resource's leave follows it to every branch; a holiday or closure is the branch's.
      const scope = resourceId ? { resourceIds: [resourceId] } : { branchIds: [input.branchId] };
      const from = new Date(Math.max(startsAt.getTime(), this.now().getTime()));
      const settled = await this.affected.settle(tx, actor, { ...scope, from, to: endsAt }, input.resolutions);
      return { timeOff, settled };
    });
    this.catalogues.invalidate(actor.tenantId);
    return result;
  }

  async removeTimeOff(actor: Actor, input: z.output<typeof removeTimeOffInput>): Promise<{ timeOff: TimeOffView }> {
    const result = await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const row = await this.repo.lockTimeOff(tx, actor.tenantId, input.timeOffId);
      if (!row) throw notFound('time off');
      if (row.branchId) assertBranch(actor, row.branchId);
      else if (row.resourceId) {
        // Time off of a resource alone: a manager of any branch it works at may remove it.
        const resource = await this.repo.resource(tx, actor.tenantId, row.resourceId);
        if (!resource?.branches.some((b) => actor.branchIds.includes(b.branchId))) throw forbidden('That time off is not at one of your branches.');
      }
      await this.repo.deleteTimeOff(tx, row.id);
      const timeOff = toTimeOffView(row);
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
        { type: 'time_off.removed', tenantId: actor.tenantId, branchId: row.branchId, aggregateId: row.id, payload: { timeOff } },
      ]);
      return { timeOff };
    });
    this.catalogues.invalidate(actor.tenantId);
    return result;
  }

  async setHours(actor: Actor, input: z.output<typeof setHoursInput>): Promise<SetHoursResult> {
    assertBranch(actor, input.branchId);
    const hours = [...input.hours].sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute);
    const result = await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const branch = await this.repo.branch(tx, actor.tenantId, input.branchId);
      if (!branch) throw notFound('branch');
      const resource = await this.repo.resource(tx, actor.tenantId, input.resourceId);
      if (!resource || !resource.branches.some((b) => b.branchId === input.branchId)) throw notFound('resource');
      // Weekly hours lie within the branch's opening hours (date exceptions may go beyond: a one-off, chosen for that date).
      const outside = outsideOpeningHours(hours, branch);
      if (outside) throw new DomainError('BAD_INPUT', outside, { field: 'hours' });
      await this.repo.replaceHours(tx, input.resourceId, input.branchId, hours);
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
        { type: 'hours.changed', tenantId: actor.tenantId, branchId: input.branchId, aggregateId: input.resourceId, payload: { resourceId: input.resourceId, branchId: input.branchId } },
      ]);
      const settled = await this.affected.settle(tx, actor, { resourceIds: [input.resourceId], branchIds: [input.branchId], from: this.now() }, input.resolutions);
      return { resourceId: input.resourceId, branchId: input.branchId, hours, settled };
    });
    this.catalogues.invalidate(actor.tenantId);
    return result;
  }
}
