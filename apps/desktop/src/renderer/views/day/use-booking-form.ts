import { useEffect, useState } from 'react';
import { confirmInput, type AppointmentView, type PatientSummary } from '@frontdesk/shared';
import { useConfirm, useExtendHold, useRelease } from '../../commands/booking.js';
import type { Conflict } from '../../components/ConflictPanel.js';
import { useOnline } from '../../lib/connection.js';
import { timeRange } from '../../lib/time.js';
import { problemsWith } from '../../lib/validate.js';

export interface BookingProblems {
  note?: string;
  /** By product id. */
  products: Record<string, string>;
}

/**
 * Turning a hold into a booking: who, what else and a note, checked with the
 * server's schema, then confirmed; or the hold extended or let go.
 */
export function useBookingForm({
  appointment,
  timeZone,
  onDone,
  onConflict,
}: {
  appointment: AppointmentView | undefined;
  timeZone: string;
  onDone: (message: string | null, keepSelected?: boolean) => void;
  onConflict: (c: Conflict) => void;
}) {
  const online = useOnline();
  const confirm = useConfirm();
  const extend = useExtendHold();
  const release = useRelease();
  const [patient, setPatient] = useState<PatientSummary | null>(null);
  const [lines, setLines] = useState<Record<string, number>>({});
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<BookingProblems>({ products: {} });

  useEffect(() => {
    if (appointment?.patient && !patient) setPatient(appointment.patient);
  }, [appointment, patient]);

  const submit = () => {
    if (!appointment) return;
    if (!patient) {
      setError('Choose or create the patient first.');
      return;
    }
    const products = Object.entries(lines)
      .filter(([, q]) => q > 0)
      .map(([productId, quantity]) => ({ productId, quantity }));
    const input = { appointmentId: appointment.id, version: appointment.version, patientId: patient.id, note, products };
    const found = problemsWith(confirmInput, input);
    const byProduct: Record<string, string> = {};
    products.forEach((line, i) => {
      const problem = found?.[`products.${i}.quantity`];
      if (problem) byProduct[line.productId] = problem;
    });
    setProblems({ note: found?.note, products: byProduct });
    if (found) {
      // Anything not shown beside a field (a list-wide rule) is said here.
      setError(found.products ?? null);
      return;
    }
    setError(null);
    confirm.run(input, {
      onDone: (booked) => onDone(`Booked ${patient.name} at ${timeRange(booked.startsAt, booked.endsAt, timeZone)}.`, true),
      onRefused: (refusal) => {
        if (refusal.domain?.code === 'SLOT_TAKEN') onConflict(refusal);
        setError(refusal.sentence);
      },
    });
  };

  const extendHold = () => {
    if (appointment) extend.run({ appointmentId: appointment.id, version: appointment.version, holdMinutes: 5 }, { onRefused: (refusal) => setError(refusal.sentence) });
  };

  /** Lets the hold go (if it still is one) and closes the panel. */
  const releaseHold = () => {
    if (appointment?.status === 'HELD' && online) release.run({ appointmentId: appointment.id, version: appointment.version });
    onDone(null);
  };

  /** Another service has another length and needs: let this hold go so it can be held again with it. */
  const releaseForService = () => {
    if (appointment) release.run({ appointmentId: appointment.id, version: appointment.version });
  };

  return {
    patient,
    setPatient,
    lines,
    setLine: (productId: string, quantity: number) => setLines({ ...lines, [productId]: quantity }),
    note,
    setNote,
    error,
    problems,
    submit,
    extendHold,
    releaseHold,
    releaseForService,
    confirming: confirm.isPending,
    busy: confirm.isPending || extend.isPending || release.isPending,
  };
}
