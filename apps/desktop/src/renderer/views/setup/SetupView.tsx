import { useState } from 'react';
import { roleMay } from '@frontdesk/shared';
import { useSession } from '../../lib/session.js';
import type { Branch } from '../../lib/types.js';
import { SETUP_SECTIONS } from './sections.js';

/** The clinic's setup: one tab per section the signed-in role may change. */
export function SetupView({ branch }: { branch: Branch }) {
  const session = useSession()!;
  const sections = SETUP_SECTIONS.filter((s) => roleMay(session.staff.role, s.permission));
  const [chosen, setChosen] = useState(sections[0]?.id ?? '');
  const section = sections.find((s) => s.id === chosen) ?? sections[0];
  if (!section) return <div className="empty">Your role has nothing to set up.</div>;
  return (
    <div className="setup" data-testid="setup">
      <nav className="setup-nav" aria-label="Setup sections">
        {sections.map((s) => (
          <button key={s.id} data-testid={`setup-tab-${s.id}`} className={s.id === section.id ? 'on' : ''} aria-current={s.id === section.id ? 'page' : undefined} onClick={() => setChosen(s.id)}>
            {s.label}
          </button>
        ))}
      </nav>
      <section className="setup-body" data-testid={`setup-${section.id}`}>
        <section.Component branch={branch} />
      </section>
    </div>
  );
}

/** Whether a role sees the Setup tab at all. */
export function maySetUp(role: Parameters<typeof roleMay>[0]): boolean {
  return SETUP_SECTIONS.some((s) => roleMay(role, s.permission));
}
