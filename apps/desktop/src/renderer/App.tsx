import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { roleMay, type DesktopSettings, type StaffRole } from '@frontdesk/shared';
import { ChangePassword } from './views/ChangePassword.js';
import { SignedOut } from './views/SignedOut.js';
import { DayView } from './views/day/DayView.js';
import { Finder } from './views/Finder.js';
import { DaySheet } from './views/DaySheet.js';
import { SetupView, maySetUp } from './views/setup/SetupView.js';
import { PatientsView } from './views/patients/PatientsView.js';
import { WaitlistView } from './views/waitlist/WaitlistView.js';
import { OfferBanner } from './views/waitlist/OfferBanner.js';
import { ShortcutsOverlay } from './components/ShortcutsOverlay.js';
import { useOnline } from './lib/connection.js';
import { rememberPlace, storedPlace, type Place } from './lib/desk-memory.js';
import { useShortcuts } from './lib/shortcuts.js';
import { setSession, useSession } from './lib/session.js';
import { addDays, prettyDate, todayIn } from './lib/time.js';
import { useTRPC, useTRPCClient } from './lib/trpc.js';
import { useLiveSync } from './sync/use-live-sync.js';
import { useClinicClock } from './lib/clinic.js';
import { useReleaseOnUnload } from './lib/unload.js';

export type Screen = 'day' | 'finder' | 'sheet' | 'setup' | 'patients' | 'waitlist';

/** Where each role starts its day: the call centre searches, managers review, the rest book. */
const HOME_SCREEN: Record<StaffRole, Screen> = {
  RECEPTIONIST: 'day',
  CALL_CENTRE: 'finder',
  BRANCH_MANAGER: 'sheet',
  ADMIN: 'day',
};

export function App({ settings }: { settings: DesktopSettings }) {
  const session = useSession();
  if (!session) return <SignedOut settings={settings} />;
  // A temporary password is changed before the desk opens (the server refuses the rest until then).
  if (session.mustChangePassword) return <ChangePassword />;
  return <Desk key={session.staff.id} serverUrl={settings.serverUrl} />;
}

function Desk({ serverUrl }: { serverUrl: string }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const session = useSession()!;
  const online = useOnline();
  useLiveSync(true);
  // Times in the clinic's clock; a closing window lets its hold go.
  useClinicClock();
  useReleaseOnUnload(serverUrl);

  const branches = useQuery(trpc.catalog.branches.queryOptions());
  const stored = useMemo(storedPlace, []);
  const [branchId, setBranchId] = useState<string | null>(stored.branchId ?? null);
  const [date, setDate] = useState<string | null>(stored.date ?? null);
  // The printable day sheet, with its CSV export and time blocking, is for those who manage the schedule.
  const mayReviewSheet = roleMay(session.staff.role, 'schedule.manage');
  const maySetup = maySetUp(session.staff.role);
  const mayFindPatients = roleMay(session.staff.role, 'patients.read');
  const [screen, setScreen] = useState<Screen>(session.landing ?? HOME_SCREEN[session.staff.role]);
  const [help, setHelp] = useState(false);
  const [newBooking, setNewBooking] = useState(0);
  const [searchFocus, setSearchFocus] = useState(0);

  const branch = branches.data?.find((b) => b.id === branchId) ?? branches.data?.[0] ?? null;
  const timeZone = branch?.timeZone ?? 'UTC';
  const today = todayIn(timeZone);
  const day = date ?? today;

  useEffect(() => {
    if (branch) rememberPlace({ branchId: branch.id, date: day });
  }, [branch, day]);

  const goTo = (place: Partial<Place>) => {
    if (place.branchId) setBranchId(place.branchId);
    if (place.date) setDate(place.date);
  };

  useShortcuts([
    { key: '?', label: 'Show shortcuts', run: () => setHelp((h) => !h) },
    { key: 'n', label: 'New booking', run: () => { setScreen('day'); setNewBooking((n) => n + 1); } },
    { key: 'f', label: 'Finder', run: () => setScreen('finder') },
    { key: 'd', label: 'Day sheet', run: () => setScreen('sheet'), when: () => mayReviewSheet },
    { key: 'g', label: 'Day grid', run: () => setScreen('day') },
    { key: 's', label: 'Setup', run: () => setScreen('setup'), when: () => maySetup },
    { key: 'p', label: 'Patients', run: () => setScreen('patients'), when: () => mayFindPatients },
    { key: 'l', label: 'Waitlist', run: () => setScreen('waitlist'), when: () => mayFindPatients },
    { key: 't', label: 'Today', run: () => setDate(today) },
    { key: 'ArrowLeft', label: 'Previous day', run: () => setDate(addDays(day, -1)) },
    { key: 'ArrowRight', label: 'Next day', run: () => setDate(addDays(day, 1)) },
    { key: '/', label: 'Search patient', run: () => { setScreen('day'); setSearchFocus((n) => n + 1); } },
  ]);

  const signOut = async () => {
    await client.auth.logout.mutate().catch(() => undefined);
    await setSession(null);
  };

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">Frontdesk</div>
        <select
          data-testid="branch-select"
          aria-label="Branch"
          value={branch?.id ?? ''}
          onChange={(e) => setBranchId(e.target.value)}
        >
          {branches.data?.map((b) => (
            <option key={b.id} value={b.id}>
              {b.active ? b.name : `${b.name} (closed for booking)`}
            </option>
          ))}
        </select>
        <div className="datenav" data-testid="date-nav">
          <button data-testid="date-prev" title="Previous day (←)" onClick={() => setDate(addDays(day, -1))}>
            ‹
          </button>
          <button data-testid="date-today" title="Today (T)" onClick={() => setDate(today)} className={day === today ? 'on' : ''}>
            Today
          </button>
          <button data-testid="date-next" title="Next day (→)" onClick={() => setDate(addDays(day, 1))}>
            ›
          </button>
          <input data-testid="date-input" type="date" aria-label="Date" value={day} onChange={(e) => e.target.value && setDate(e.target.value)} />
          <span className="datelabel" data-testid="date-label">{prettyDate(day)}</span>
        </div>
        <nav className="tabs">
          <button data-testid="tab-day" className={screen === 'day' ? 'on' : ''} onClick={() => setScreen('day')}>
            Day <kbd>G</kbd>
          </button>
          <button data-testid="tab-finder" className={screen === 'finder' ? 'on' : ''} onClick={() => setScreen('finder')}>
            Finder <kbd>F</kbd>
          </button>
          {mayFindPatients && (
            <button data-testid="tab-patients" className={screen === 'patients' ? 'on' : ''} onClick={() => setScreen('patients')}>
              Patients <kbd>P</kbd>
            </button>
          )}
          {mayFindPatients && (
            <button data-testid="tab-waitlist" className={screen === 'waitlist' ? 'on' : ''} onClick={() => setScreen('waitlist')}>
              Waitlist <kbd>L</kbd>
            </button>
          )}
          {mayReviewSheet && (
            <button data-testid="tab-sheet" className={screen === 'sheet' ? 'on' : ''} onClick={() => setScreen('sheet')}>
              Day sheet <kbd>D</kbd>
            </button>
          )}
          {maySetup && (
            <button data-testid="tab-setup" className={screen === 'setup' ? 'on' : ''} onClick={() => setScreen('setup')}>
              Setup <kbd>S</kbd>
            </button>
          )}
        </nav>
        <div className="who">
          <span className={`dot ${online ? 'ok' : 'down'}`} title={online ? 'Live' : 'Offline'} />
          <span data-testid="staff-name">{session.staff.name}</span>
          {session.desk && <span className="muted"> · {session.desk}</span>}
          <button className="link" onClick={() => setHelp(true)} title="Keyboard shortcuts (?)">
            ?
          </button>
          <button className="link" data-testid="sign-out" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      {!online && (
        <div className="banner offline" data-testid="offline-banner" role="status">
          Can't reach the server — showing the last known day, read-only. Retrying…
        </div>
      )}
      {/* Freed times offered to the waitlist reach every desk at once; the Waitlist tab lists them itself. */}
      {mayFindPatients && screen !== 'waitlist' && <OfferBanner timeZone={timeZone} />}
      <main className="content">
        {!branch ? (
          <div className="empty">{branches.isError ? 'Could not load your branches.' : 'Loading…'}</div>
        ) : screen === 'day' ? (
          <DayView branch={branch} date={day} newBooking={newBooking} searchFocus={searchFocus} onDate={setDate} />
        ) : screen === 'finder' ? (
          <Finder
            defaultBranchId={branch.id}
            onHeld={(place) => {
              goTo(place);
              setScreen('day');
            }}
          />
        ) : screen === 'setup' ? (
          <SetupView branch={branch} />
        ) : screen === 'patients' ? (
          <PatientsView timeZone={timeZone} />
        ) : screen === 'waitlist' ? (
          <WaitlistView today={today} timeZone={timeZone} />
        ) : (
          <DaySheet branch={branch} date={day} />
        )}
      </main>
      {help && <ShortcutsOverlay onClose={() => setHelp(false)} />}
    </div>
  );
}
