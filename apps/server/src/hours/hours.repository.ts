import type { MinuteInterval } from '@frontdesk/shared';
import type { Db, Tx } from '../db/tx.js';
import { timeOffSelect, type TimeOffRow } from '../views/time-off.js';

// Reads and writes of the working-hours screen: a resource's weekly pattern,
// its date exceptions, its time off and appointments at one branch.

/** A DATE column's value for a local date (Prisma reads and writes DATE as UTC midnight). */
const asDate = (date: string) => new Date(`${date}T00:00:00Z`);

export class HoursRepository {
  async branch(db: Db | Tx, tenantId: string, branchId: string) {
    return db.branch.findFirst({ where: { tenantId, id: branchId }, select: { id: true, name: true, timeZone: true } });
  }

  /** The resource when it works at the branch (is linked to it). */
  async resourceAt(db: Db | Tx, tenantId: string, resourceId: string, branchId: string) {
    return db.resource.findFirst({
      where: { tenantId, id: resourceId, branches: { some: { branchId } } },
      select: { id: true, name: true, kind: true, colour: true },
    });
  }

  /** Locks the resource's link to the branch, so two edits of its hours there run one after the other. */
  async lockResourceAt(tx: Tx, tenantId: string, resourceId: string, branchId: string): Promise<boolean> {
    const rows = await tx.$queryRaw<{ one: number }[]>`
      SELECT 1 AS one FROM resource_branch
       WHERE tenant_id = ${tenantId}::uuid AND resource_id = ${resourceId}::uuid AND branch_id = ${branchId}::uuid
       FOR UPDATE`;
    return rows.length > 0;
  }

  async pattern(db: Db | Tx, tenantId: string, resourceId: string, branchId: string) {
    return db.workingHours.findMany({
      where: { tenantId, resourceId, branchId },
      select: { weekday: true, startMinute: true, endMinute: true },
      orderBy: [{ weekday: 'asc' }, { startMinute: 'asc' }],
    });
  }

  /** Exception intervals on local dates from..to (inclusive). */
  async exceptions(db: Db | Tx, tenantId: string, resourceId: string, branchId: string, from: string, to: string): Promise<(MinuteInterval & { date: string })[]> {
    const rows = await db.workingHoursException.findMany({
      where: { tenantId, resourceId, branchId, date: { gte: asDate(from), lte: asDate(to) } },
      select: { date: true, startMinute: true, endMinute: true },
      orderBy: [{ date: 'asc' }, { startMinute: 'asc' }],
    });
    return rows.map((r) => ({ date: r.date.toISOString().slice(0, 10), startMinute: r.startMinute, endMinute: r.endMinute }));
  }

  /** Replaces the exception of one date; an empty list leaves none. */
  async replaceException(tx: Tx, q: { tenantId: string; resourceId: string; branchId: string; date: string; intervals: readonly MinuteInterval[]; createdBy: string }): Promise<void> {
    await tx.workingHoursException.deleteMany({ where: { tenantId: q.tenantId, resourceId: q.resourceId, branchId: q.branchId, date: asDate(q.date) } });
    if (q.intervals.length === 0) return;
    await tx.workingHoursException.createMany({
      data: q.intervals.map((i) => ({
        tenantId: q.tenantId,
        resourceId: q.resourceId,
        branchId: q.branchId,
        date: asDate(q.date),
        startMinute: i.startMinute,
        endMinute: i.endMinute,
        createdBy: q.createdBy,
      })),
    });
  }

  /** Time off in [from, to) of the resource, or of the whole branch. */
  async timeOff(db: Db | Tx, q: { tenantId: string; resourceId: string; branchId: string; from: Date; to: Date }): Promise<TimeOffRow[]> {
    return db.timeOff.findMany({
      where: {
        tenantId: q.tenantId,
        startsAt: { lt: q.to },
        endsAt: { gt: q.from },
        OR: [{ resourceId: q.resourceId }, { resourceId: null, branchId: q.branchId }],
      },
      select: timeOffSelect,
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    });
  }

  /** Appointments of the resource at the branch touching [from, to) that still take its time (an expired hold does not). */
  async appointments(db: Db | Tx, q: { tenantId: string; resourceId: string; branchId: string; from: Date; to: Date; now: Date }) {
    return db.$queryRaw<{ startsAt: Date; endsAt: Date }[]>`
      SELECT a.starts_at AS "startsAt", a.ends_at AS "endsAt"
        FROM appointment a JOIN appointment_resource ar ON ar.tenant_id = a.tenant_id AND ar.appointment_id = a.id
       WHERE a.tenant_id = ${q.tenantId}::uuid
         AND a.branch_id = ${q.branchId}::uuid
         AND ar.resource_id = ${q.resourceId}::uuid
         AND a.status IN ('HELD', 'BOOKED', 'CHECKED_IN', 'IN_CONSULTATION', 'COMPLETED')
         AND NOT (a.status = 'HELD' AND a.hold_expires_at <= ${q.now})
         AND a.starts_at < ${q.to} AND a.ends_at > ${q.from}
       ORDER BY a.starts_at, a.id`;
  }
}
