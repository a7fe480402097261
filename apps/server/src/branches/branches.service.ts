import type { z } from 'zod';
import {
  DomainError,
  localDateOf,
  localDayBounds,
  type BranchClosureView,
  type BranchSetupView,
  type branchAddClosureInput,
  type branchClosuresInput,
  type branchCreateInput,
  type branchSetActiveInput,
  type branchSetOpeningHoursInput,
  type branchUpdateInput,
} from '@frontdesk/shared';
import { NOTHING_SETTLED, type AffectedAppointments, type Settled } from '../affected/affected.js';
import { assertBranch, type Actor } from '../auth/scope.js';
import type { CatalogueCache } from '../availability/catalogue-cache.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { notFound } from '../errors.js';
import type { ScheduleService } from '../schedule/schedule.service.js';
import { appendEvents, type AnyNewEvent } from '../sync/append.js';
import type { BranchRow, BranchesRepository, ClosureRow } from './branches.repository.js';
import { fitToOpeningHours, sameHours, sortHours } from './opening-hours.js';

export interface SetOpeningHoursResult {
  branch: BranchSetupView;
  /** Resources whose weekly hours here changed with the opening hours (trimmed to fit, or following them). */
  trimmed: { resourceId: string }[];
  settled: Settled;
}

const toView = (row: BranchRow): BranchSetupView => ({ ...row, openingHours: sortHours(row.openingHours) });

function toClosureView(row: ClosureRow, timeZone: string): BranchClosureView {
  return {
    id: row.id,
    branchId: row.branchId!,
    kind: row.kind === 'HOLIDAY' ? 'HOLIDAY' : 'CLOSURE',
    name: row.reason,
    from: localDateOf(row.startsAt.getTime(), timeZone),
    to: localDateOf(row.endsAt.getTime() - 1, timeZone),
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
  };
}

/** Whether an instant is the start of a local day in the zone. */
const isMidnight = (at: Date, timeZone: string) => localDayBounds(localDateOf(at.getTime(), timeZone), timeZone).start === at.getTime();

// The clinic's branches: details (admin), opening hours and closures (admin,
// or the branch's manager), open or closed for booking (admin). Each command
// is one transaction that settles the appointments it would break and appends
// its event.
export class BranchesService {
  constructor(
    private readonly db: Db,
    private readonly repo: BranchesRepository,
    /** Holidays and closures are whole-branch time off: added through the schedule, which settles them. */
    private readonly schedule: Pick<ScheduleService, 'addTimeOff'>,
    private readonly affected: Pick<AffectedAppointments, 'settle'>,
    private readonly catalogues: CatalogueCache,
    private readonly now: () => Date,
  ) {}

  /** The branches the actor may act in (every one, active or not, for an admin). */
  async list(actor: Actor): Promise<BranchSetupView[]> {
    const rows = await this.repo.list(this.db, actor.tenantId, actor.branchIds);
    return rows.map(toView);
  }

  async create(actor: Actor, input: z.output<typeof branchCreateInput>): Promise<{ branch: BranchSetupView }> {
    const branch = await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      await this.assertNameFree(tx, actor.tenantId, input.name, null);
      const branchId = await this.repo.create(tx, { tenantId: actor.tenantId, name: input.name, timeZone: input.timeZone, address: input.address, phone: input.phone });
      await this.repo.replaceOpeningHours(tx, actor.tenantId, branchId, sortHours(input.openingHours));
      await this.changed(tx, actor, branchId, 'created');
      return toView((await this.repo.get(tx, actor.tenantId, branchId))!);
    });
    this.catalogues.invalidate(actor.tenantId);
    return { branch };
  }

  /**
   * Name, time zone, address, phone. The zone changes only while nothing is
   * booked ahead there: an appointment's local time would shift otherwise.
   */
  async update(actor: Actor, input: z.output<typeof branchUpdateInput>): Promise<{ branch: BranchSetupView }> {
    const branch = await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const before = await this.repo.lock(tx, actor.tenantId, input.branchId);
      if (!before) throw notFound('branch');
      await this.assertNameFree(tx, actor.tenantId, input.name, before.id);
      if (input.timeZone !== before.timeZone) await this.changeZone(tx, actor, before, input.timeZone);
      await this.repo.update(tx, before.id, { name: input.name, timeZone: input.timeZone, address: input.address, phone: input.phone });
      await this.changed(tx, actor, before.id, 'updated');
      return toView((await this.repo.get(tx, actor.tenantId, before.id))!);
    });
    this.catalogues.invalidate(actor.tenantId);
    return { branch };
  }

  /**
   * The weekly opening hours. Everyone's weekly hours at the branch are
   * trimmed to fit them, or follow them where they were the old opening hours
   * (each change an `hours.changed` event); the appointments that no longer
   * fit are settled as the resolutions say.
   */
  async setOpeningHours(actor: Actor, input: z.output<typeof branchSetOpeningHoursInput>): Promise<SetOpeningHoursResult> {
    await this.assertMayManage(actor, input.branchId);
    const opening = sortHours(input.hours);
    const result = await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const branch = await this.repo.lock(tx, actor.tenantId, input.branchId);
      if (!branch) throw notFound('branch');
      await this.repo.replaceOpeningHours(tx, actor.tenantId, branch.id, opening);
      const trimmed: { resourceId: string }[] = [];
      for (const [resourceId, hours] of await this.repo.resourceHours(tx, actor.tenantId, branch.id)) {
        const fitted = fitToOpeningHours(hours, branch.openingHours, opening);
        if (sameHours(hours, fitted)) continue;
        await this.repo.replaceResourceHours(tx, actor.tenantId, resourceId, branch.id, fitted);
        trimmed.push({ resourceId });
      }
      const settled = await this.affected.settle(tx, actor, { branchIds: [branch.id], from: this.now() }, input.resolutions);
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
        ...trimmed.map(({ resourceId }): AnyNewEvent => ({ type: 'hours.changed', tenantId: actor.tenantId, branchId: branch.id, aggregateId: resourceId, payload: { resourceId, branchId: branch.id } })),
        this.event(actor, branch.id, 'opening_hours'),
      ]);
      return { branch: toView((await this.repo.get(tx, actor.tenantId, branch.id))!), trimmed, settled };
    });
    this.catalogues.invalidate(actor.tenantId);
    return result;
  }

  /** Opens or closes the branch for booking; closing settles its appointments from now on. */
  async setActive(actor: Actor, input: z.output<typeof branchSetActiveInput>): Promise<{ branch: BranchSetupView; settled: Settled }> {
    const result = await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const before = await this.repo.lock(tx, actor.tenantId, input.branchId);
      if (!before) throw notFound('branch');
      if (before.active === input.active) return { branch: toView(before), settled: { ...NOTHING_SETTLED } };
      await this.repo.update(tx, before.id, { active: input.active });
      const settled = input.active ? { ...NOTHING_SETTLED } : await this.affected.settle(tx, actor, { branchIds: [before.id], from: this.now() }, input.resolutions);
      await this.changed(tx, actor, before.id, input.active ? 'activated' : 'deactivated');
      return { branch: toView((await this.repo.get(tx, actor.tenantId, before.id))!), settled };
    });
    this.catalogues.invalidate(actor.tenantId);
    return result;
  }

  /** Holidays and closures of the branch from today on. */
  async closures(actor: Actor, input: z.output<typeof branchClosuresInput>): Promise<BranchClosureView[]> {
    const branch = await this.assertMayManage(actor, input.branchId);
    const today = localDayBounds(localDateOf(this.now().getTime(), branch.timeZone), branch.timeZone);
    const rows = await this.repo.closures(this.db, actor.tenantId, branch.id, new Date(today.start));
    return rows.map((r) => toClosureView(r, branch.timeZone));
  }

  /**
   * A public holiday or a closure over whole local days, from..to inclusive:
   * whole-branch time off, added through the schedule, which settles the
   * appointments in it and appends `time_off.added`.
   */
  async addClosure(actor: Actor, input: z.output<typeof branchAddClosureInput>): Promise<{ closure: BranchClosureView; settled: Settled }> {
    const branch = await this.assertMayManage(actor, input.branchId);
    if (input.to < localDateOf(this.now().getTime(), branch.timeZone)) {
      throw new DomainError('BAD_INPUT', 'Those days have passed: a holiday or closure must include today or a later day.', { field: 'to' });
    }
    const { timeOff, settled } = await this.schedule.addTimeOff(actor, {
      branchId: branch.id,
      kind: input.kind,
      startsAt: new Date(localDayBounds(input.from, branch.timeZone).start).toISOString(),
      endsAt: new Date(localDayBounds(input.to, branch.timeZone).end).toISOString(),
      reason: input.name,
      resolutions: input.resolutions,
    });
    const closure = toClosureView(
      { id: timeOff.id, branchId: branch.id, kind: input.kind, reason: timeOff.reason, startsAt: new Date(timeOff.startsAt), endsAt: new Date(timeOff.endsAt) },
      branch.timeZone,
    );
    return { closure, settled };
  }

  /** The branch, when it is the tenant's (else NOT_FOUND) and the actor's (else FORBIDDEN). */
  private async assertMayManage(actor: Actor, branchId: string): Promise<BranchRow> {
    const branch = await this.repo.get(this.db, actor.tenantId, branchId);
    if (!branch) throw notFound('branch');
    assertBranch(actor, branch.id);
    return branch;
  }

  private async assertNameFree(tx: Tx, tenantId: string, name: string, exceptId: string | null): Promise<void> {
    if (await this.repo.nameTaken(tx, tenantId, name, exceptId)) {
      throw new DomainError('BAD_INPUT', `There is already a branch called ${name}.`, { field: 'name' });
    }
  }

  /** Refuses while appointments or sessions lie ahead; moves whole-day time off to the new zone's days. */
  private async changeZone(tx: Tx, actor: Actor, branch: BranchRow, timeZone: string): Promise<void> {
    const now = this.now();
    const ahead = await this.repo.futureBookings(tx, actor.tenantId, branch.id, now);
    if (ahead.appointments > 0 || ahead.sessions > 0) {
      const what = [
        ahead.appointments > 0 ? `${ahead.appointments} appointment${ahead.appointments === 1 ? '' : 's'}` : null,
        ahead.sessions > 0 ? `${ahead.sessions} walk-in session${ahead.sessions === 1 ? '' : 's'}` : null,
      ]
        .filter(Boolean)
        .join(' and ');
      throw new DomainError(
        'BAD_INPUT',
        `${branch.name} has ${what} ahead; their local times would shift if its time zone changed. Move or cancel them first, or keep ${branch.timeZone}.`,
        { field: 'timeZone' },
      );
    }
    for (const t of await this.repo.futureTimeOff(tx, actor.tenantId, branch.id, now)) {
      if (!isMidnight(t.startsAt, branch.timeZone) || !isMidnight(t.endsAt, branch.timeZone)) continue;
      const startsAt = localDayBounds(localDateOf(t.startsAt.getTime(), branch.timeZone), timeZone).start;
      const endsAt = localDayBounds(localDateOf(t.endsAt.getTime(), branch.timeZone), timeZone).start;
      await this.repo.moveTimeOff(tx, t.id, new Date(startsAt), new Date(endsAt));
    }
  }

  private event(actor: Actor, branchId: string, change: 'created' | 'updated' | 'opening_hours' | 'deactivated' | 'activated'): AnyNewEvent {
    return { type: 'branch.changed', tenantId: actor.tenantId, branchId, aggregateId: branchId, payload: { branchId, change } };
  }

  private changed(tx: Tx, actor: Actor, branchId: string, change: Parameters<BranchesService['event']>[2]): Promise<void> {
    return appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [this.event(actor, branchId, change)]);
  }
}
