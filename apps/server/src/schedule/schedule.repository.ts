import type { TimeOffView, WeeklyHours } from '@frontdesk/shared';
import type { Tx } from '../db/tx.js';
import { timeOffSelect, type TimeOffRow } from '../views/time-off.js';

// Writes to working hours and time off; every method runs in the caller's transaction.
export class ScheduleRepository {
  async branch(tx: Tx, tenantId: string, branchId: string) {
    return tx.branch.findFirst({
      where: { tenantId, id: branchId },
      select: { id: true, name: true, openingHours: { select: { weekday: true, startMinute: true, endMinute: true } } },
    });
  }

  /** The resource, with the branches it works at, when it belongs to the tenant. */
  async resource(tx: Tx, tenantId: string, resourceId: string) {
    return tx.resource.findFirst({ where: { tenantId, id: resourceId }, select: { id: true, branches: { select: { branchId: true } } } });
  }

  async insertTimeOff(
    tx: Tx,
    row: { tenantId: string; branchId: string; resourceId: string | null; kind: TimeOffView['kind']; startsAt: Date; endsAt: Date; reason: string; createdBy: string },
  ): Promise<TimeOffRow> {
    return tx.timeOff.create({ data: row, select: timeOffSelect });
  }

  /** Locks the row so two managers removing it at once append one event. */
  async lockTimeOff(tx: Tx, tenantId: string, timeOffId: string): Promise<TimeOffRow | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM time_off WHERE id = ${timeOffId}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
    if (rows.length === 0) return null;
    return tx.timeOff.findUnique({ where: { id: timeOffId }, select: timeOffSelect });
  }

  async deleteTimeOff(tx: Tx, timeOffId: string): Promise<void> {
    await tx.timeOff.delete({ where: { id: timeOffId } });
  }

  async replaceHours(tx: Tx, resourceId: string, branchId: string, hours: readonly WeeklyHours[]): Promise<void> {
    await tx.workingHours.deleteMany({ where: { resourceId, branchId } });
    if (hours.length > 0) await tx.workingHours.createMany({ data: hours.map((h) => ({ resourceId, branchId, weekday: h.weekday, startMinute: h.startMinute, endMinute: h.endMinute })) });
  }
}
