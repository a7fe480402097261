// The words of an audit trail: one line a person can read per event.

const WORDS: Record<string, string> = {
  'appointment.held': 'Held',
  'appointment.hold_extended': 'Extended the hold on',
  'appointment.booked': 'Booked',
  'appointment.released': 'Released the hold on',
  'appointment.expired': 'Hold expired on',
  'appointment.moved': 'Moved',
  'appointment.cancelled': 'Cancelled',
  'appointment.service_changed': 'Changed the service to',
  'appointment.checked_in': 'Checked in',
  'appointment.no_show': 'Marked as no-show',
  'appointment.consultation_started': 'Started the consultation for',
  'appointment.completed': 'Completed',
  'appointment.edited': 'Edited',
};

/** One line a person can read, from an event's type and payload. */
export function summarize(type: string, payload: unknown): string {
  const p = (payload ?? {}) as Partial<Record<string, unknown>>;
  const appointment = p.appointment as { serviceName?: string; startsAt?: string } | undefined;
  if (WORDS[type]) {
    const what = appointment?.serviceName ?? 'appointment';
    // Instants stay ISO here; the desk writes them as the branch's wall clock ("Moved … from 10:00 to 10:30").
    if (type === 'appointment.moved') {
      const from = (p.from as { startsAt?: string } | undefined)?.startsAt;
      return `Moved ${what}${from ? ` from ${from}` : ''}${appointment?.startsAt ? ` to ${appointment.startsAt}` : ''}`;
    }
    if (type === 'appointment.service_changed') {
      const was = (p.from as { serviceName?: string } | undefined)?.serviceName;
      return `${WORDS[type]} ${what}${was ? ` (was ${was})` : ''}${appointment?.startsAt ? ` at ${appointment.startsAt}` : ''}`;
    }
    return `${WORDS[type]} ${what}${appointment?.startsAt ? ` at ${appointment.startsAt}` : ''}`;
  }
  switch (type) {
    case 'token.issued':
      return `Issued token ${(p.token as { number?: number } | undefined)?.number ?? ''}`.trim();
    case 'patient.viewed':
      return "Viewed the patient's record";
    case 'patient.created':
      return 'Created the patient record';
    case 'patient.updated':
      return `Changed the patient's ${((p.fields as string[] | undefined) ?? []).join(', ') || 'record'}`;
    case 'patient.merged':
      return 'Merged a duplicate record into this one';
    case 'staff.changed':
      return `Staff account ${String(p.change ?? 'changed')}`;
    case 'staff.signed_out':
      return p.everywhere ? 'Signed out on every desk' : 'Signed out';
    default:
      return type;
  }
}
