import type { Db, Tx } from '../db/tx.js';
import { appointmentViewSelect } from '../views/appointment.js';
import { sessionSelect } from '../views/session.js';
import { timeOffSelect } from '../views/time-off.js';

// Reads for the day sheet: a branch's resources with their hours, and
// everything that touches its local day.

/** Rows whose [startsAt, endsAt) overlaps [from, to). */
const during = (from: Date, to: Date) => ({ startsAt: { lt: to }, endsAt: { gt: from } });
const byStart = [{ startsAt: 'asc' as const }, { id: 'asc' as const }];

export class DaySheetRepository {
  /** A branch of the tenant. */
  async branch(db: Db | Tx, tenantId: string, branchId: string) {
    return db.branch.findFirst({ where: { tenantId, id: branchId }, select: { id: true, name: true, timeZone: true } });
  }

  /** The log position now; read before the rest of a view. */
  async headSeq(db: Db | Tx, tenantId: string): Promise<string> {
    const rows = await db.$queryRaw<{ seq: string }[]>`
      SELECT coalesce(max(seq), 0)::text AS seq FROM "event" WHERE tenant_id = ${tenantId}::uuid`;
    return rows[0]?.seq ?? '0';
  }

  /** The branch's active resources with their weekly hours there and their exceptions on `date` (YYYY-MM-DD). */
  async resources(db: Db | Tx, tenantId: string, branchId: string, date: string) {
    return db.resource.findMany({
      where: { tenantId, active: true, branches: { some: { branchId } } },
      select: {
        id: true,
        kind: true,
        name: true,
        tags: true,
        colour: true,
        hours: { where: { branchId }, select: { weekday: true, startMinute: true, endMinute: true } },
        hourExceptions: { where: { branchId, date: new Date(`${date}T00:00:00Z`) }, select: { startMinute: true, endMinute: true }, orderBy: { startMinute: 'asc' } },
      },
      orderBy: [{ kind: 'asc' }, { name: 'asc' }],
    });
  }

  async appointments(db: Db | Tx, tenantId: string, branchId: string, from: Date, to: Date) {
    return db.appointment.findMany({ where: { tenantId, branchId, ...during(from, to) }, select: appointmentViewSelect, orderBy: byStart });
  }

  /** Time off of the whole branch or of one of its resources. */
  async timeOff(db: Db | Tx, tenantId: string, branchId: string, resourceIds: string[], from: Date, to: Date) {
    return db.timeOff.findMany({
      where: { tenantId, ...during(from, to), OR: [{ resourceId: null, branchId }, { resourceId: { in: resourceIds } }] },
      select: timeOffSelect,
      orderBy: byStart,
    });
  }

  async sessions(db: Db | Tx, tenantId: string, branchId: string, from: Date, to: Date) {
    return db.capacitySession.findMany({ where: { tenantId, branchId, ...during(from, to) }, select: sessionSelect, orderBy: byStart });
  }
}
