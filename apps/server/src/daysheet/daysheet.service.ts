import type { z } from 'zod';
import { localDayBounds, workingIntervals, type DayView, type dayInput } from '@frontdesk/shared';
import { assertBranch, type Actor } from '../auth/scope.js';
import { notFound } from '../errors.js';
import type { Db } from '../db/tx.js';
import { toAppointmentView } from '../views/appointment.js';
import { toSessionView } from '../views/session.js';
import { toTimeOffView } from '../views/time-off.js';
import type { DaySheetRepository } from './daysheet.repository.js';

/** The day sheet: everything at a branch on its local day, with the log position it was read at. */
export class DaySheetService {
  constructor(
    private readonly db: Db,
    private readonly repo: DaySheetRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async day(actor: Actor, input: z.output<typeof dayInput>): Promise<DayView> {
    assertBranch(actor, input.branchId);
    const branch = await this.repo.branch(this.db, actor.tenantId, input.branchId);
    if (!branch) throw notFound('branch');
    // Read the log position first: every change after it reaches the desk as an event.
    const asOfSeq = await this.repo.headSeq(this.db, actor.tenantId);
    const bounds = localDayBounds(input.date, branch.timeZone);
    const from = new Date(bounds.start);
    const to = new Date(bounds.end);
    const resources = await this.repo.resources(this.db, actor.tenantId, branch.id, input.date);
    const [appointments, timeOff, sessions] = await Promise.all([
      this.repo.appointments(this.db, actor.tenantId, branch.id, from, to),
      this.repo.timeOff(this.db, actor.tenantId, branch.id, resources.map((r) => r.id), from, to),
      this.repo.sessions(this.db, actor.tenantId, branch.id, from, to),
    ]);
    const now = this.now();
    return {
      branchId: branch.id,
      branchName: branch.name,
      timeZone: branch.timeZone,
      date: input.date,
      startsAt: from.toISOString(),
      endsAt: to.toISOString(),
      resources: resources.map((r) => ({
        id: r.id,
        kind: r.kind,
        name: r.name,
        tags: r.tags,
        colour: r.colour,
        // A date exception replaces the weekly hours on that date.
        working: workingIntervals(bounds, r.hours, branch.timeZone, r.hourExceptions.length > 0 ? { [input.date]: r.hourExceptions } : undefined).map((i) => ({ startsAt: new Date(i.start).toISOString(), endsAt: new Date(i.end).toISOString() })),
      })),
      appointments: appointments.map((a) => toAppointmentView(a, now)),
      timeOff: timeOff.map(toTimeOffView),
      sessions: sessions.map(toSessionView),
      asOfSeq,
    };
  }
}
