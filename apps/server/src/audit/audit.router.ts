import { auditAppointmentInput, auditPatientInput, auditSetupInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

const read = staffProcedure('audit.read');
// The setup history is for those who change the setup.
const readSetup = staffProcedure('schedule.manage');

// Mounted as admin.audit, where the desk knows it.
export const auditRouter = router({
  appointment: read.input(auditAppointmentInput).query(({ ctx, input }) => ctx.deps.audit.appointment(ctx.actor, input.appointmentId)),
  patient: read.input(auditPatientInput).query(({ ctx, input }) => ctx.deps.audit.patient(ctx.actor, input.patientId)),
  setup: readSetup.input(auditSetupInput).query(({ ctx, input }) => ctx.deps.audit.setup(ctx.actor, input)),
});
