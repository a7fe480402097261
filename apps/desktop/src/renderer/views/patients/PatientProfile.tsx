import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { PatientProfile as Profile, PatientProfileAppointment } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { sentenceFor } from '../../lib/errors.js';
import { clock, money, prettyDate, timeRange } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';
import { MergeFlow } from './MergeFlow.js';
import { PatientForm } from './PatientForm.js';

const STATUS_WORDS: Record<string, string> = {
  HELD: 'Held',
  BOOKED: 'Booked',
  CHECKED_IN: 'Arrived',
  IN_CONSULTATION: 'In consultation',
  COMPLETED: 'Completed',
  CANCELLED: 'Cancelled',
  NO_SHOW: 'No-show',
};
const CONTACT_WORDS = { phone: 'Phone call', sms: 'SMS', email: 'Email', post: 'Post' } as const;
const HISTORY_WORDS: Record<string, string> = { 'patient.created': 'Created the record', 'patient.updated': 'Changed', 'patient.merged': 'Merged a duplicate into this record' };

/** Field names as a desk says them. */
const FIELD_WORDS: Record<string, string> = {
  name: 'name',
  phone: 'phone',
  otherPhones: 'other phones',
  email: 'email',
  dateOfBirth: 'date of birth',
  sex: 'sex',
  address: 'address',
  preferredContact: 'preferred contact',
  consentToMessages: 'consent to messages',
  alerts: 'alerts',
  notes: 'notes',
  nationalId: 'national id',
  insuranceId: 'insurance id',
};

/**
 * A patient's profile: the record (with its alerts up top), appointments ahead
 * and behind, no-shows and cancellations, tokens, products bought, and who
 * changed what. Edit and merge open in place. `editable` for roles that may write.
 */
export function PatientProfile({ patientId, timeZone, editable, onOpen }: { patientId: string; timeZone: string; editable: boolean; onOpen?: (id: string) => void }) {
  const trpc = useTRPC();
  const profile = useQuery(trpc.patients.profile.queryOptions({ patientId }));
  const [mode, setMode] = useState<'view' | 'edit' | 'merge'>('view');
  if (profile.isError) return <ErrorLine message={sentenceFor(profile.error)} testId="patient-profile-error" />;
  if (!profile.data) return <div className="muted">Loading…</div>;
  const { patient, counts } = profile.data;
  return (
    <article className="patient-profile" data-testid="patient-profile" aria-label={`Profile of ${patient.name}`}>
      <header className="patient-head">
        <div>
          <h2 data-testid="patient-profile-name">{patient.name}</h2>
          <div className="muted">
            {patient.dateOfBirth ? `Born ${prettyDate(patient.dateOfBirth)}` : 'Date of birth not recorded'}
            {patient.sex && patient.sex !== 'unknown' ? ` · ${patient.sex}` : ''}
          </div>
        </div>
        {editable && mode === 'view' && !patient.mergedIntoId && (
          <div className="patient-actions">
            <button data-testid="patient-edit" onClick={() => setMode('edit')}>
              Edit
            </button>
            <button data-testid="patient-merge" onClick={() => setMode('merge')}>
              Merge a duplicate…
            </button>
          </div>
        )}
      </header>
      {patient.mergedIntoId && (
        <p className="setup-notice" data-testid="patient-merged-notice">
          This record was merged into another one.{' '}
          {onOpen && (
            <button className="link" onClick={() => onOpen(patient.mergedIntoId!)}>
              Open the record that stayed
            </button>
          )}
        </p>
      )}
      {patient.alerts.length > 0 && (
        <ul className="patient-alerts" aria-label="Alerts" data-testid="patient-alerts">
          {patient.alerts.map((a) => (
            <li key={a}>⚠ {a}</li>
          ))}
        </ul>
      )}
      {mode === 'edit' ? (
        <PatientForm patient={patient} onDone={() => setMode('view')} />
      ) : mode === 'merge' ? (
        <MergeFlow current={patient} onDone={(survivorId) => { setMode('view'); if (survivorId !== patient.id) onOpen?.(survivorId); }} />
      ) : (
        <>
          <dl className="patient-facts" data-testid="patient-facts">
            <dt>Phone</dt>
            <dd data-testid="patient-profile-phone">{[patient.phone, ...patient.otherPhones].join(' · ')}</dd>
            <dt>Email</dt>
            <dd>{patient.email ?? '—'}</dd>
            <dt>Address</dt>
            <dd>{patient.address || '—'}</dd>
            <dt>Contact by</dt>
            <dd>
              {CONTACT_WORDS[patient.preferredContact]} · {patient.consentToMessages ? 'agrees to messages' : 'no messages'}
            </dd>
            <dt>Ids</dt>
            <dd>{[patient.nationalId && `National ${patient.nationalId}`, patient.insuranceId && `Insurance ${patient.insuranceId}`].filter(Boolean).join(' · ') || '—'}</dd>
            {patient.notes && (
              <>
                <dt>Notes</dt>
                <dd className="patient-notes">{patient.notes}</dd>
              </>
            )}
          </dl>
          <p className="patient-counts" data-testid="patient-counts">
            <span>{counts.upcoming} upcoming</span> · <span>{counts.completed} completed</span> · <span data-testid="patient-no-shows">{counts.noShows} no-shows</span> ·{' '}
            <span data-testid="patient-cancellations">{counts.cancelled} cancelled</span>
          </p>
        </>
      )}
      <Appointments title="Upcoming" rows={profile.data.upcoming} timeZone={timeZone} testId="patient-upcoming" empty="Nothing booked ahead." />
      <Appointments title="Past" rows={profile.data.past} timeZone={timeZone} testId="patient-past" empty="No past appointments." />
      <Extras profile={profile.data} timeZone={timeZone} />
    </article>
  );
}

function Appointments({ title, rows, timeZone, testId, empty }: { title: string; rows: PatientProfileAppointment[]; timeZone: string; testId: string; empty: string }) {
  return (
    <section className="patient-section">
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <table data-testid={testId}>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id} data-testid={`${testId}-row`}>
                <td className="nowrap">{prettyDate(a.startsAt.slice(0, 10))}</td>
                <td className="nowrap">{timeRange(a.startsAt, a.endsAt, timeZone)}</td>
                <td>
                  {a.serviceName}
                  {a.practitioners.length > 0 && <span className="muted"> · {a.practitioners.join(', ')}</span>}
                  {a.products.length > 0 && <span className="muted"> · {a.products.map((p) => `${p.quantity}× ${p.name}`).join(', ')}</span>}
                </td>
                <td className="muted">{a.branchName}</td>
                <td>
                  <span className={`status-badge status-${a.status.toLowerCase()}`}>{STATUS_WORDS[a.status] ?? a.status}</span>
                  {a.cancelReason && <span className="muted"> — {a.cancelReason}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Extras({ profile, timeZone }: { profile: Profile; timeZone: string }) {
  return (
    <>
      {profile.tokens.length > 0 && (
        <section className="patient-section">
          <h3>Walk-in tokens</h3>
          <ul data-testid="patient-tokens">
            {profile.tokens.map((t) => (
              <li key={t.id}>
                #{t.number} · {t.sessionName}, {prettyDate(t.startsAt.slice(0, 10))} at {t.branchName} · {t.status.toLowerCase()}
              </li>
            ))}
          </ul>
        </section>
      )}
      {profile.products.length > 0 && (
        <section className="patient-section">
          <h3>Products bought</h3>
          <ul data-testid="patient-products">
            {profile.products.map((p, i) => (
              <li key={i}>
                {p.quantity}× {p.name} · {money(p.priceCents * p.quantity)} · {prettyDate(p.at.slice(0, 10))}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="patient-section">
        <h3>Record history</h3>
        <ul data-testid="patient-history">
          {profile.history.map((h, i) => (
            <li key={i}>
              {HISTORY_WORDS[h.type] ?? h.type}
              {h.type === 'patient.updated' && ` ${h.fields.map((f) => FIELD_WORDS[f] ?? f).join(', ')}`} — {h.actorName ?? 'system'}
              {h.desk && `, ${h.desk}`}, {prettyDate(h.at.slice(0, 10))} {clock(h.at, timeZone)}
            </li>
          ))}
        </ul>
        {profile.mergedFrom.length > 0 && (
          <p className="muted" data-testid="patient-merged-from">
            Merged into this record: {profile.mergedFrom.map((m) => m.name).join(', ')}
          </p>
        )}
      </section>
    </>
  );
}
