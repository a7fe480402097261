import { appointmentMessagesInput, messagePreviewInput, messageSettingsInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

// Setup › Messages (the clinic's admins), and an appointment's messages on any desk that may read it.
const manage = staffProcedure('organisation.manage');

export const messagesRouter = router({
  settings: manage.query(({ ctx }) => ctx.deps.messages.settings(ctx.actor)),
  save: manage.input(messageSettingsInput).mutation(({ ctx, input }) => ctx.deps.messages.saveSettings(ctx.actor, input)),
  preview: manage.input(messagePreviewInput).query(({ ctx, input }) => ctx.deps.messages.preview(ctx.actor, input)),
  ofAppointment: staffProcedure('appointments.read').input(appointmentMessagesInput).query(({ ctx, input }) => ctx.deps.messages.ofAppointment(ctx.actor, input.appointmentId)),
});
