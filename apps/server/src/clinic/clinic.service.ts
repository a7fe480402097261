import type { z } from 'zod';
import type { ClinicSettings, setTimeFormatInput, setVisitSettingsInput } from '@frontdesk/shared';
import type { Actor } from '../auth/scope.js';
import { inTransaction, type Db } from '../db/tx.js';
import { notFound } from '../errors.js';
import { appendEvents } from '../sync/append.js';
import type { ClinicRepository } from './clinic.repository.js';

/** The clinic's locale settings every desk follows (today: the clock, 24-hour or 12-hour). */
export class ClinicService {
  constructor(
    private readonly db: Db,
    private readonly repo: ClinicRepository,
  ) {}

  async settings(actor: Actor): Promise<ClinicSettings> {
    const settings = await this.repo.settings(this.db, actor.tenantId);
    if (!settings) throw notFound('organisation');
    return settings;
  }

  /** Sets the clock for every desk of the clinic; they hear it live and write times the new way. */
  setTimeFormat(actor: Actor, input: z.output<typeof setTimeFormatInput>): Promise<ClinicSettings> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      await this.repo.setTimeFormat(tx, actor.tenantId, input.timeFormat);
      const settings = await this.repo.settings(tx, actor.tenantId);
      if (!settings) throw notFound('organisation');
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
        { type: 'clinic.settings_changed', tenantId: actor.tenantId, branchId: null, aggregateId: actor.tenantId, payload: { timeFormat: settings.timeFormat } },
      ]);
      return settings;
    });
  }

  /** How early before its start a patient may check in, and the notice below which a cancellation is late. */
  setVisitSettings(actor: Actor, input: z.output<typeof setVisitSettingsInput>): Promise<ClinicSettings> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      await this.repo.setVisitSettings(tx, actor.tenantId, input);
      const settings = await this.repo.settings(tx, actor.tenantId);
      if (!settings) throw notFound('organisation');
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
        { type: 'clinic.settings_changed', tenantId: actor.tenantId, branchId: null, aggregateId: actor.tenantId, payload: { timeFormat: settings.timeFormat, checkInWindowMin: settings.checkInWindowMin, lateCancelNoticeHours: settings.lateCancelNoticeHours } },
      ]);
      return settings;
    });
  }
}
