import { useEffect, useState } from 'react';
import { confirmInput, type AppointmentView, type PatientSummary } from '@frontdesk/shared';
import { useChangeService, useConfirm, useExtendHold } from '../../commands/booking.js';
import type { Conflict } from '../../components/ConflictPanel.js';
import { timeRange } from '../../lib/time.js';
import { problemsWith } from '../../lib/validate.js';

export interface BookingProblems {
  note?: string;
  /** By product id. */
  products: Record<string, string>;
}

/** What the desk has filled in for a booking: kept when the hold is replaced (another service, another time), dropped when the booking is closed. */
export interface BookingDraft {
  patient: PatientSummary | null;
  /** Quantity by product id. */
  lines: Record<string, number>;
  note: string;
}

export const EMPTY_DRAFT: BookingDraft = { patient: null, lines: {}, note: '' };

/**
 * Turning a hold into a booking: who, what else and a note, checked with the
 * server's schema, then confirmed; the hold extended, or given another
 * service in place (the time is never let go meanwhile).
 */
export function useBookingForm({
  appointment,
  timeZone,
  draft,
  onDraft,
  onDone,
  onConflict,
}: {
  appointment: AppointmentView | undefined;
  timeZone: string;
  draft: BookingDraft;
  onDraft: (draft: BookingDraft) => void;
  onDone: (message: string | null, keepSelected?: boolean) => void;
  /** SLOT_TAKEN: the alternatives hold again, for `serviceId`. */
  onConflict: (c: Conflict, serviceId: string) => void;
}) {
  const confirm = useConfirm();
  const extend = useExtendHold();
  const change = useChangeService();
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<BookingProblems>({ products: {} });
  const { patient, lines, note } = draft;

  useEffect(() => {
    // A hold made with a patient (the finder, or a replaced hold) brings them along.
    if (appointment?.patient && !patient) onDraft({ ...draft, patient: appointment.patient });
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
        if (refusal.domain?.code === 'SLOT_TAKEN') onConflict(refusal, appointment.serviceId);
        setError(refusal.sentence);
      },
    });
  };

  /** Five more minutes on top of what the hold has left. */
  const extendHold = () => {
    if (appointment) extend.run({ appointmentId: appointment.id, version: appointment.version, holdMinutes: 5 }, { onRefused: (refusal) => setError(refusal.sentence) });
  };

  /** Another service in the hold's place, at the same time: the server swaps it in one go, or says why not (the hold stays). */
  const changeService = (serviceId: string) => {
    if (!appointment || serviceId === appointment.serviceId) return;
    change.run(
      { appointmentId: appointment.id, version: appointment.version, serviceId },
      {
        onDone: () => setError(null),
        onRefused: (refusal) => {
          if (refusal.domain?.code === 'SLOT_TAKEN') onConflict(refusal, serviceId);
          setError(`${refusal.sentence} The hold is kept as it was.`);
        },
      },
    );
  };

  /** Closes the booking; the day panel lets the hold go. */
  const releaseHold = () => onDone(null);

  return {
    patient,
    setPatient: (next: PatientSummary | null) => onDraft({ ...draft, patient: next }),
    lines,
    setLine: (productId: string, quantity: number) => onDraft({ ...draft, lines: { ...lines, [productId]: quantity } }),
    note,
    setNote: (next: string) => onDraft({ ...draft, note: next }),
    error,
    problems,
    submit,
    extendHold,
    changeService,
    releaseHold,
    confirming: confirm.isPending,
    changingService: change.isPending,
    busy: confirm.isPending || extend.isPending || change.isPending,
  };
}
