import { auditAppointmentInput, auditPatientInput, staffCreateInput, staffDisableInput, staffListInput, staffSetBranchesInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';
import { AuditService } from './audit.service.js';
import { StaffService } from './staff.service.js';

const staff = (deps: { db: ConstructorParameters<typeof StaffService>[0]; now: () => Date }) => new StaffService(deps.db, deps.now);

// Staff accounts (admins and branch managers) and the audit trail.
export const adminRouter = router({
  staff: router({
    list: staffProcedure('staff.manage')
      .input(staffListInput)
      .query(({ ctx, input }) => staff(ctx.deps).list(ctx.actor, input)),
    create: staffProcedure('staff.manage')
      .input(staffCreateInput)
      .mutation(({ ctx, input }) => staff(ctx.deps).create(ctx.actor, input)),
    disable: staffProcedure('staff.manage')
      .input(staffDisableInput)
      .mutation(({ ctx, input }) => staff(ctx.deps).setDisabled(ctx.actor, input)),
    setBranches: staffProcedure('staff.manage')
      .input(staffSetBranchesInput)
      .mutation(({ ctx, input }) => staff(ctx.deps).setBranches(ctx.actor, input)),
  }),
  audit: router({
    appointment: staffProcedure('audit.read')
      .input(auditAppointmentInput)
      .query(({ ctx, input }) => new AuditService(ctx.deps.db).appointment(ctx.actor, input.appointmentId)),
    patient: staffProcedure('audit.read')
      .input(auditPatientInput)
      .query(({ ctx, input }) => new AuditService(ctx.deps.db).patient(ctx.actor, input.patientId)),
  }),
});
