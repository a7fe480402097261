import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { AppointmentView, DayView, PatientSummary, SlotSuggestion } from '@frontdesk/shared';
import { useEditAppointment, useMove } from '../../commands/booking.js';
import type { Refusal } from '../../commands/use-command.js';
import { ConflictPanel } from '../../components/ConflictPanel.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { PatientPicker } from '../../components/PatientPicker.js';
import { useOnline } from '../../lib/connection.js';
import { money } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';
import { lengthWith, serviceFits } from './service-fit.js';

/**
 * A booked appointment changed in place: service, patient, practitioner,
 * room or chair, note. A refusal is shown here; a taken time with the nearest
 * free ones (taking one moves the booking there with the rest of the edit).
 */
export function AppointmentEditForm({ appointment, day, onDone, onCancel }: { appointment: AppointmentView; day: DayView; onDone: (message: string) => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const online = useOnline();
  const services = useQuery(trpc.catalog.services.queryOptions());
  const edit = useEditAppointment();
  const move = useMove();
  const resources = day.resources;
  const current = appointment.resources.map((r) => resources.find((x) => x.id === r.resourceId)).filter((r) => r !== undefined);
  const [practitionerId, setPractitionerId] = useState(current.find((r) => r.kind === 'PRACTITIONER')?.id ?? '');
  const [placeId, setPlaceId] = useState(current.find((r) => r.kind !== 'PRACTITIONER')?.id ?? '');
  const [serviceId, setServiceId] = useState(appointment.serviceId);
  const [patient, setPatient] = useState<PatientSummary | null>(appointment.patient);
  const [note, setNote] = useState(appointment.note);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  // The version this edit started from: a change from another desk meanwhile must be refused (STALE), not overwritten.
  const [openedVersion, setOpenedVersion] = useState(appointment.version);
  const busy = edit.isPending || move.isPending;
  const practitioner = resources.find((r) => r.id === practitionerId);
  const fitting = services.data?.filter((s) => s.id === appointment.serviceId || !practitioner || serviceFits(s, practitioner)) ?? [];

  const changes = () => {
    const resourceChanged = practitionerId !== (current.find((r) => r.kind === 'PRACTITIONER')?.id ?? '') || placeId !== (current.find((r) => r.kind !== 'PRACTITIONER')?.id ?? '');
    return {
      ...(serviceId !== appointment.serviceId ? { serviceId } : {}),
      ...(patient && patient.id !== appointment.patient?.id ? { patientId: patient.id } : {}),
      ...(resourceChanged && practitionerId ? { resourceIds: [practitionerId, ...(placeId ? [placeId] : [])] } : {}),
      ...(note !== appointment.note ? { note } : {}),
    };
  };
  // Nobody raced this desk to it: the time is simply not free with what was chosen, so say who is busy.
  const said = (r: Refusal): Refusal => {
    if (r.domain?.code !== 'SLOT_TAKEN') return r;
    const busyNames = r.domain.details.blockers.filter((b) => b.kind !== 'patient' && b.kind !== 'time_off' && b.resourceId).map((b) => resources.find((x) => x.id === b.resourceId)?.name);
    const names = [...new Set(busyNames.filter((n): n is string => !!n))];
    return names.length ? { ...r, sentence: `${names.join(' and ')} ${names.length > 1 ? 'are' : 'is'} not free at that time.` } : r;
  };
  const outcome = {
    onDone: () => onDone('Appointment updated.'),
    onRefused: (r: Refusal) => {
      // Told and shown how it stands now, the desk may save again on top of it.
      if (r.domain?.code === 'STALE') setOpenedVersion(r.domain.details.current.version);
      setRefusal(said(r));
    },
  };
  const submit = () => {
    setRefusal(null);
    if (!patient) return setRefusal({ sentence: 'Choose the patient.', alternatives: [], domain: null });
    const change = changes();
    if (Object.keys(change).length === 0) return onCancel();
    edit.run({ appointmentId: appointment.id, version: openedVersion, ...change }, outcome);
  };
  // A free time offered instead: the booking moves there with those resources, then takes the rest of the edit.
  const take = (slot: SlotSuggestion) => {
    const { resourceIds: _taken, ...rest } = changes();
    move.run(
      { appointmentId: appointment.id, version: openedVersion, startsAt: slot.startsAt, resourceIds: slot.resourceIds },
      {
        onDone: (moved) => (Object.keys(rest).length ? edit.run({ appointmentId: moved.id, version: moved.version, ...rest }, outcome) : onDone('Appointment moved.')),
        onRefused: (r) => setRefusal(r),
      },
    );
  };

  return (
    <form
      className="appointment-edit"
      data-testid="appointment-edit"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <label>
        Practitioner
        <select data-testid="edit-practitioner" value={practitionerId} disabled={busy} onChange={(e) => setPractitionerId(e.target.value)}>
          {resources
            .filter((r) => r.kind === 'PRACTITIONER')
            .map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
        </select>
      </label>
      <label>
        Room or chair
        <select data-testid="edit-room" value={placeId} disabled={busy} onChange={(e) => setPlaceId(e.target.value)}>
          <option value="">Any free one</option>
          {resources
            .filter((r) => r.kind !== 'PRACTITIONER')
            .map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
        </select>
      </label>
      <label>
        Service
        <select data-testid="edit-service" value={serviceId} disabled={busy} onChange={(e) => setServiceId(e.target.value)}>
          {fitting.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} · {lengthWith(s, practitionerId)} min · {money(s.prices.find((p) => p.branchId === day.branchId)?.priceCents ?? s.basePriceCents)}
            </option>
          ))}
        </select>
      </label>
      <label>Patient</label>
      <PatientPicker value={patient} onChange={setPatient} disabled={busy} />
      <label>
        Note
        <textarea data-testid="edit-note" rows={2} value={note} disabled={busy} onChange={(e) => setNote(e.target.value)} />
      </label>
      {refusal && refusal.alternatives.length > 0 ? (
        <ConflictPanel
          conflict={refusal}
          timeZoneOf={() => day.timeZone}
          nameOf={(id) => resources.find((r) => r.id === id)?.name ?? 'another resource'}
          onTake={take}
          onDismiss={() => setRefusal(null)}
          disabled={busy || !online}
        />
      ) : (
        <ErrorLine message={refusal?.sentence ?? null} testId="edit-error" />
      )}
      {!refusal && appointment.version !== openedVersion && (
        <p className="notice" role="status" data-testid="edit-changed-meanwhile">
          Another desk changed this appointment while you were editing; saving will show you how it stands now first.
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" data-testid="edit-save" disabled={!online || busy}>
          {edit.isPending ? 'Saving…' : 'Save changes'}
        </button>
        <button type="button" className="link" data-testid="edit-cancel" onClick={onCancel}>
          Back
        </button>
      </div>
    </form>
  );
}
