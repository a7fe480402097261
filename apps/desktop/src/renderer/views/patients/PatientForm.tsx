import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CONTACT_CHANNELS, PATIENT_SEXES, domainErrorOf, patientUpdateInput, type PatientRecord } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { FormField } from '../../components/FormField.js';
import { formRefusal } from '../../lib/form-errors.js';
import { useTRPC } from '../../lib/trpc.js';
import { problemsWith } from '../../lib/validate.js';

const CHANNEL_LABEL: Record<(typeof CONTACT_CHANNELS)[number], string> = { phone: 'Phone call', sms: 'SMS', email: 'Email', post: 'Post' };
const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

/** Edit a patient's record; only changed fields are sent, with the version the desk read. */
export function PatientForm({ patient, onDone }: { patient: PatientRecord; onDone: () => void }) {
  const trpc = useTRPC();
  const queries = useQueryClient();
  const [form, setForm] = useState({
    name: patient.name,
    phone: patient.phone,
    otherPhones: patient.otherPhones.join('\n'),
    email: patient.email ?? '',
    dateOfBirth: patient.dateOfBirth ?? '',
    sex: patient.sex ?? '',
    address: patient.address,
    preferredContact: patient.preferredContact,
    consentToMessages: patient.consentToMessages,
    alerts: patient.alerts.join('\n'),
    notes: patient.notes,
    nationalId: patient.nationalId ?? '',
    insuranceId: patient.insuranceId ?? '',
  });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const update = useMutation(
    trpc.patients.update.mutationOptions({
      onSuccess: () => {
        void queries.invalidateQueries({ queryKey: trpc.patients.pathKey() });
        onDone();
      },
      onError: (error) => {
        // Changed on another desk: show the latest record; the desk makes its change again.
        if (domainErrorOf(error)?.code === 'INVALID_STATE') void queries.invalidateQueries({ queryKey: trpc.patients.pathKey() });
      },
    }),
  );
  const refusal = update.error ? formRefusal(update.error) : null;
  const domain = update.error ? domainErrorOf(update.error) : null;
  const problem = (field: string) => problems[field] ?? (refusal?.field?.split('.')[0] === field ? refusal.message : undefined);
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) => setForm((f) => ({ ...f, [key]: value }));

  const submit = () => {
    const input: Record<string, unknown> = { patientId: patient.id, version: patient.version };
    const was = { ...form, name: patient.name, phone: patient.phone, otherPhones: patient.otherPhones.join('\n'), email: patient.email ?? '', dateOfBirth: patient.dateOfBirth ?? '', sex: patient.sex ?? '', address: patient.address, preferredContact: patient.preferredContact, consentToMessages: patient.consentToMessages, alerts: patient.alerts.join('\n'), notes: patient.notes, nationalId: patient.nationalId ?? '', insuranceId: patient.insuranceId ?? '' };
    for (const key of Object.keys(form) as (keyof typeof form)[]) {
      if (form[key] === was[key]) continue;
      input[key] = key === 'otherPhones' || key === 'alerts' ? lines(form[key] as string) : form[key];
    }
    const found = problemsWith(patientUpdateInput, input as never);
    setProblems(found ? Object.fromEntries(Object.entries(found).map(([k, v]) => [k.split('.')[0]!, v])) : {});
    if (!found) update.mutate(input as never);
  };

  return (
    <form
      className="patient-form"
      data-testid="patient-edit-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <FormField label="Full name" error={problem('name')} testId="patient-edit-name">
        {(p) => <input {...p} value={form.name} onChange={(e) => set('name', e.target.value)} />}
      </FormField>
      <FormField label="Phone" error={problem('phone')} testId="patient-edit-phone" hint="Any format; without a country code it is read in your branch's country.">
        {(p) => <input {...p} value={form.phone} onChange={(e) => set('phone', e.target.value)} />}
      </FormField>
      <FormField label="Other phones (one a line)" error={problem('otherPhones')} testId="patient-edit-other-phones">
        {(p) => <textarea {...p} rows={2} value={form.otherPhones} onChange={(e) => set('otherPhones', e.target.value)} />}
      </FormField>
      <FormField label="Email" error={problem('email')} testId="patient-edit-email">
        {(p) => <input {...p} type="email" value={form.email} onChange={(e) => set('email', e.target.value)} />}
      </FormField>
      <FormField label="Date of birth" error={problem('dateOfBirth')} testId="patient-edit-dob">
        {(p) => <input {...p} type="date" value={form.dateOfBirth} onChange={(e) => set('dateOfBirth', e.target.value)} />}
      </FormField>
      <FormField label="Sex" error={problem('sex')}>
        {(p) => (
          <select {...p} value={form.sex} onChange={(e) => set('sex', e.target.value)}>
            <option value="">Not recorded</option>
            {PATIENT_SEXES.map((s) => (
              <option key={s} value={s}>
                {s[0]!.toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField label="Address" error={problem('address')}>
        {(p) => <textarea {...p} rows={2} value={form.address} onChange={(e) => set('address', e.target.value)} />}
      </FormField>
      <FormField label="Preferred contact" error={problem('preferredContact')}>
        {(p) => (
          <select {...p} value={form.preferredContact} onChange={(e) => set('preferredContact', e.target.value as typeof form.preferredContact)}>
            {CONTACT_CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABEL[c]}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <label className="patient-consent">
        <input type="checkbox" checked={form.consentToMessages} onChange={(e) => set('consentToMessages', e.target.checked)} /> Agrees to reminders and messages
      </label>
      <FormField label="Alerts (one a line, e.g. wheelchair)" error={problem('alerts')} testId="patient-edit-alerts">
        {(p) => <textarea {...p} rows={2} value={form.alerts} onChange={(e) => set('alerts', e.target.value)} />}
      </FormField>
      <FormField label="Notes" error={problem('notes')}>
        {(p) => <textarea {...p} rows={3} value={form.notes} onChange={(e) => set('notes', e.target.value)} />}
      </FormField>
      <FormField label="National id" error={problem('nationalId')}>
        {(p) => <input {...p} value={form.nationalId} onChange={(e) => set('nationalId', e.target.value)} />}
      </FormField>
      <FormField label="Insurance id" error={problem('insuranceId')}>
        {(p) => <input {...p} value={form.insuranceId} onChange={(e) => set('insuranceId', e.target.value)} />}
      </FormField>
      <ErrorLine message={refusal && (!refusal.field || domain?.code === 'INVALID_STATE') ? (domain?.message ?? refusal.message) : null} testId="patient-edit-error" />
      <div className="actions">
        <button type="submit" className="primary" data-testid="patient-edit-save" disabled={update.isPending}>
          Save changes
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
