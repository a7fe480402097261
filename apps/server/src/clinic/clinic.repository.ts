import type { ClinicSettings, TimeFormat } from '@frontdesk/shared';
import type { Db, Tx } from '../db/tx.js';

// The clinic's own settings, on its tenant row. Receives the client (or the
// transaction) as an argument; the service decides what runs in which transaction.
export class ClinicRepository {
  async settings(db: Db | Tx, tenantId: string): Promise<ClinicSettings | null> {
    const row = await db.tenant.findFirst({ where: { id: tenantId }, select: { name: true, timeFormat: true, checkInWindowMin: true, lateCancelNoticeHours: true } });
    return row ? { name: row.name, timeFormat: row.timeFormat === '12h' ? '12h' : '24h', checkInWindowMin: row.checkInWindowMin, lateCancelNoticeHours: row.lateCancelNoticeHours } : null;
  }

  /** How early a patient may check in, and the notice a cancellation needs not to be late. */
  async setVisitSettings(tx: Tx, tenantId: string, s: { checkInWindowMin: number; lateCancelNoticeHours: number }): Promise<void> {
    await tx.tenant.updateMany({ where: { id: tenantId }, data: { checkInWindowMin: s.checkInWindowMin, lateCancelNoticeHours: s.lateCancelNoticeHours } });
  }

  async setTimeFormat(tx: Tx, tenantId: string, timeFormat: TimeFormat): Promise<void> {
    await tx.tenant.updateMany({ where: { id: tenantId }, data: { timeFormat } });
  }
}
