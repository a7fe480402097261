import type { TimeFormat } from '@frontdesk/shared';
import type { Db, Tx } from '../db/tx.js';

// The clinic's own settings, on its tenant row. Receives the client (or the
// transaction) as an argument; the service decides what runs in which transaction.
export class ClinicRepository {
  async settings(db: Db | Tx, tenantId: string): Promise<{ name: string; timeFormat: TimeFormat } | null> {
    const row = await db.tenant.findFirst({ where: { id: tenantId }, select: { name: true, timeFormat: true } });
    return row ? { name: row.name, timeFormat: row.timeFormat === '12h' ? '12h' : '24h' } : null;
  }

  async setTimeFormat(tx: Tx, tenantId: string, timeFormat: TimeFormat): Promise<void> {
    await tx.tenant.updateMany({ where: { id: tenantId }, data: { timeFormat } });
  }
}
