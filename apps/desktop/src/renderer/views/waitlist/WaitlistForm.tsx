import { useMemo, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { WAITLIST_CONTACTS, WAITLIST_PRIORITIES, WAITLIST_TIMES_OF_DAY, waitlistAddInput, type PatientSummary, type WaitlistContact, type WaitlistPriority, type WaitlistTimeOfDay } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { FormField } from '../../components/FormField.js';
import { PatientPicker } from '../../components/PatientPicker.js';
import { useOnline } from '../../lib/connection.js';
import { formRefusal } from '../../lib/form-errors.js';
import { addDays } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';
import { problemsWith } from '../../lib/validate.js';
import { serviceFits } from '../day/service-fit.js';
import type { useWaitlistCommands } from './use-waitlist.js';

const CONTACT_LABELS: Record<WaitlistContact, string> = { phone: 'Phone call', sms: 'Text message', email: 'Email', any: 'Any' };
const toggle = <T,>(list: T[], item: T, on: boolean) => (on ? [...list, item] : list.filter((x) => x !== item));

/** A patient added to the waitlist: what, with whom, where, when; checked the way the server checks it, each slip under its field. */
export function WaitlistForm({ today, add }: { today: string; add: ReturnType<typeof useWaitlistCommands>['add'] }) {
  const trpc = useTRPC();
  const online = useOnline();
  const services = useQuery(trpc.catalog.services.queryOptions());
  const branches = useQuery(trpc.catalog.branches.queryOptions());
  const resources = useQuery(trpc.catalog.resources.queryOptions({}));
  const [patient, setPatient] = useState<PatientSummary | null>(null);
  const [serviceId, setServiceId] = useState('');
  const [practitionerIds, setPractitionerIds] = useState<string[]>([]);
  const [branchIds, setBranchIds] = useState<string[]>([]);
  const [fromDate, setFromDate] = useState(today);
  const [toDate, setToDate] = useState(addDays(today, 7));
  const [timesOfDay, setTimesOfDay] = useState<WaitlistTimeOfDay[]>([]);
  const [priority, setPriority] = useState<WaitlistPriority>(0);
  const [contact, setContact] = useState<WaitlistContact>('phone');
  const [notes, setNotes] = useState('');
  const [slips, setSlips] = useState<Record<string, string>>({});
  const [added, setAdded] = useState<string | null>(null);
  // A new picker after each entry: its search starts empty.
  const [pickerKey, setPickerKey] = useState(0);

  const service = services.data?.find((s) => s.id === serviceId) ?? null;
  const practitioners = useMemo(() => (resources.data ?? []).filter((r) => r.kind === 'PRACTITIONER' && (!service || serviceFits(service, r))), [resources.data, service]);
  const refusal = add.error ? formRefusal(add.error) : null;
  const slip = (field: string) => slips[field] ?? (refusal?.field === field ? refusal.message : null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    const input = { patientId: patient?.id ?? '', serviceId, practitionerIds: practitionerIds.filter((id) => practitioners.some((p) => p.id === id)), branchIds, fromDate, toDate, timesOfDay, priority, contact, notes };
    const found = problemsWith(waitlistAddInput, input);
    const named: Record<string, string> = { ...found };
    if (!patient) named.patientId = 'Choose the patient who is waiting.';
    if (!serviceId) named.serviceId = 'Choose what the patient is waiting for.';
    setSlips(named);
    if (Object.keys(named).length > 0) return;
    add.mutate(input, {
      onSuccess: (entry) => {
        setAdded(`${entry.patient.name} is on the waitlist for ${entry.serviceName}.`);
        setPatient(null);
        setPickerKey((k) => k + 1);
        setNotes('');
        setSlips({});
      },
    });
  };

  return (
    <form className="setup-card waitlist-form" onSubmit={submit} data-testid="waitlist-form" aria-label="Add to the waitlist">
      <h3>Add to the waitlist</h3>
      <div className="form-field">
        <span className="form-label">Patient</span>
        <PatientPicker key={pickerKey} value={patient} onChange={(p) => { setPatient(p); setSlips((s) => ({ ...s, patientId: '' })); }} disabled={!online} />
        <ErrorLine message={slip('patientId') || null} testId="waitlist-patient-error" />
      </div>
      <div className="setup-grid2">
        <FormField label="Service" error={slip('serviceId')} testId="waitlist-service">
          {(p) => (
            <select {...p} data-testid="waitlist-service" value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
              <option value="">Choose…</option>
              {services.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField label="Priority" testId="waitlist-priority">
          {(p) => (
            <select {...p} data-testid="waitlist-priority" value={priority} onChange={(e) => setPriority(Number(e.target.value) as WaitlistPriority)}>
              {([0, 1, 2] as const).map((n) => (
                <option key={n} value={n}>
                  {WAITLIST_PRIORITIES[n]}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField label="First day" error={slip('fromDate')} testId="waitlist-from">
          {(p) => <input {...p} type="date" data-testid="waitlist-from" value={fromDate} onChange={(e) => setFromDate(e.target.value)} />}
        </FormField>
        <FormField label="Last day" error={slip('toDate')} testId="waitlist-to">
          {(p) => <input {...p} type="date" data-testid="waitlist-to" value={toDate} onChange={(e) => setToDate(e.target.value)} />}
        </FormField>
      </div>
      <fieldset>
        <legend>Practitioners</legend>
        {practitioners.map((r) => (
          <label key={r.id} className="check">
            <input type="checkbox" data-testid={`waitlist-practitioner-${r.id}`} checked={practitionerIds.includes(r.id)} onChange={(e) => setPractitionerIds(toggle(practitionerIds, r.id, e.target.checked))} />
            {r.name}
          </label>
        ))}
        <span className="muted small">{practitionerIds.length ? '' : 'none ticked = anyone'}</span>
        <ErrorLine message={slip('practitionerIds')} testId="waitlist-practitioners-error" />
      </fieldset>
      <fieldset>
        <legend>Branches</legend>
        {branches.data?.map((b) => (
          <label key={b.id} className="check">
            <input type="checkbox" data-testid={`waitlist-branch-${b.id}`} checked={branchIds.includes(b.id)} onChange={(e) => setBranchIds(toggle(branchIds, b.id, e.target.checked))} />
            {b.name}
          </label>
        ))}
        <span className="muted small">{branchIds.length ? '' : 'none ticked = any branch'}</span>
        <ErrorLine message={slip('branchIds')} testId="waitlist-branches-error" />
      </fieldset>
      <fieldset>
        <legend>Times of day</legend>
        {WAITLIST_TIMES_OF_DAY.map((t) => (
          <label key={t} className="check">
            <input type="checkbox" data-testid={`waitlist-time-${t}`} checked={timesOfDay.includes(t)} onChange={(e) => setTimesOfDay(toggle(timesOfDay, t, e.target.checked))} />
            {t[0]!.toUpperCase() + t.slice(1)}
          </label>
        ))}
        <span className="muted small">{timesOfDay.length ? '' : 'none ticked = any time'}</span>
      </fieldset>
      <div className="setup-grid2">
        <FormField label="Contact by" testId="waitlist-contact">
          {(p) => (
            <select {...p} data-testid="waitlist-contact" value={contact} onChange={(e) => setContact(e.target.value as WaitlistContact)}>
              {WAITLIST_CONTACTS.map((c) => (
                <option key={c} value={c}>
                  {CONTACT_LABELS[c]}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField label="Notes" error={slip('notes')} testId="waitlist-notes">
          {(p) => <textarea {...p} data-testid="waitlist-notes" rows={2} maxLength={1000} value={notes} onChange={(e) => setNotes(e.target.value)} />}
        </FormField>
      </div>
      <ErrorLine message={refusal && !refusal.field ? refusal.message : null} testId="waitlist-add-error" />
      {added && (
        <p className="muted" role="status" data-testid="waitlist-added">
          {added}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary setup-inline" disabled={!online || add.isPending} data-testid="waitlist-add">
          Add to waitlist
        </button>
      </div>
    </form>
  );
}
