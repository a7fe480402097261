import { useState } from 'react';
import { roleMay } from '@frontdesk/shared';
import { useSession } from '../../lib/session.js';
import { PatientProfile } from './PatientProfile.js';
import { PatientSearch } from './PatientSearch.js';

/** The Patients tab: search on the left, the chosen patient's profile on the right. */
export function PatientsView({ timeZone }: { timeZone: string }) {
  const session = useSession()!;
  const [patientId, setPatientId] = useState<string | null>(null);
  return (
    <div className="patients-view" data-testid="patients-view">
      <aside className="patients-list">
        <h2>Patients</h2>
        <PatientSearch label="Find a patient" onPick={(p) => setPatientId(p.id)} selectedId={patientId} testId="patients-search" autoFocus />
      </aside>
      <section className="patients-detail">
        {patientId ? (
          <PatientProfile key={patientId} patientId={patientId} timeZone={timeZone} editable={roleMay(session.staff.role, 'patients.write')} onOpen={setPatientId} />
        ) : (
          <p className="muted">Search by any part of the name in any order (“garcia chl”), a phone in any format, a date of birth or an id.</p>
        )}
      </section>
    </div>
  );
}
