import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { HoursDayView, MinuteInterval } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { addDays, todayIn } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';
import { ExceptionForm } from './hours/ExceptionForm.js';
import { LeaveForm } from './hours/LeaveForm.js';
import { PatternForm } from './hours/PatternForm.js';
import { patternWith, shortDate } from './hours/intervals.js';
import { refusalOf, useHoursCommands } from './hours/use-hours-commands.js';
import { WeekGrid, type DragTarget } from './hours/WeekGrid.js';
import type { SetupSectionProps } from './sections.js';

type Tab = 'pattern' | 'date' | 'leave';
const TABS: { id: Tab; label: string }[] = [
  { id: 'pattern', label: 'Weekly hours' },
  { id: 'date', label: 'This date only' },
  { id: 'leave', label: 'Leave' },
];

/** Working hours of a resource at a branch: the week at a glance, edited by drag or by form. */
export function HoursSection({ branch: topBranch }: SetupSectionProps) {
  const trpc = useTRPC();
  const branches = useQuery(trpc.catalog.branches.queryOptions()).data ?? [];
  const [branchId, setBranchId] = useState(topBranch.id);
  const branch = branches.find((b) => b.id === branchId) ?? topBranch;
  const resources = useQuery(trpc.catalog.resources.queryOptions({ branchId: branch.id })).data ?? [];
  const [chosen, setChosen] = useState<string | null>(null);
  const resource = resources.find((r) => r.id === chosen) ?? resources.find((r) => r.kind === 'PRACTITIONER') ?? resources[0];
  const today = todayIn(branch.timeZone);
  const [weekOf, setWeekOf] = useState(today);
  const [selectedDate, setSelectedDate] = useState(today);
  const [tab, setTab] = useState<Tab>('pattern');
  const [target, setTarget] = useState<DragTarget>('pattern');
  const [pending, setPending] = useState<{ date: string; intervals: MinuteInterval[] } | null>(null);
  // The forms and the drags each have their own commands, so a refusal shows where it was made.
  const commands = useHoursCommands();
  const dragCommands = useHoursCommands();
  // Appointments come and go on other desks: a week shown again is read again.
  const week = useQuery({ ...trpc.setup.hours.week.queryOptions({ resourceId: resource?.id ?? '', branchId: branch.id, weekOf }), enabled: !!resource, staleTime: 0 });
  const data = week.data?.resource.id === resource?.id && week.data?.branch.id === branch.id ? week.data : undefined;
  const dragRefusal = refusalOf(target === 'pattern' ? dragCommands.setPattern.error : dragCommands.setException.error);

  const commit = (day: HoursDayView, intervals: MinuteInterval[]) => {
    if (!resource || !data) return;
    setPending({ date: day.date, intervals });
    const done = { onSettled: () => setPending(null) };
    if (target === 'pattern') dragCommands.setPattern.mutate({ resourceId: resource.id, branchId: branch.id, hours: patternWith(data.pattern, day.weekday, intervals) }, done);
    else dragCommands.setException.mutate({ resourceId: resource.id, branchId: branch.id, date: day.date, intervals }, done);
  };
  const selectDate = (date: string) => {
    setSelectedDate(date);
    if (tab === 'pattern') setTab('date');
  };
  const dayOf = (date: string) => data?.days.find((d) => d.date === date);
  const formKey = `${resource?.id}|${branch.id}`;

  return (
    <div className="hours" data-testid="hours-section">
      {commands.dialogs}
      {dragCommands.dialogs}
      <h2>Working hours</h2>
      <div className="hours-toolbar">
        <label>
          Branch
          <select data-testid="hours-branch" value={branch.id} onChange={(e) => { setBranchId(e.target.value); setChosen(null); }}>
            {branches.map((b) => (
              <option key={b.id} value={b.id}>{b.name}</option>
            ))}
          </select>
        </label>
        <label>
          Resource
          <select data-testid="hours-resource" value={resource?.id ?? ''} onChange={(e) => setChosen(e.target.value)}>
            {resources.map((r) => (
              <option key={r.id} value={r.id}>{r.name}</option>
            ))}
          </select>
        </label>
        <div className="hours-weeknav" role="group" aria-label="Week">
          <button type="button" data-testid="hours-prev-week" aria-label="Previous week" onClick={() => setWeekOf(addDays(data?.weekStart ?? weekOf, -7))}>‹</button>
          <button type="button" data-testid="hours-this-week" onClick={() => setWeekOf(today)}>This week</button>
          <button type="button" data-testid="hours-next-week" aria-label="Next week" onClick={() => setWeekOf(addDays(data?.weekStart ?? weekOf, 7))}>›</button>
          <span className="hours-weeklabel" data-testid="hours-week-label">{data ? `Week of ${shortDate(data.weekStart)}` : ''}</span>
        </div>
        <fieldset className="hours-target">
          <legend>Dragging changes</legend>
          <label><input type="radio" name="hours-target" data-testid="hours-target-pattern" checked={target === 'pattern'} onChange={() => setTarget('pattern')} /> every week</label>
          <label><input type="radio" name="hours-target" data-testid="hours-target-date" checked={target === 'date'} onChange={() => setTarget('date')} /> this date only</label>
        </fieldset>
      </div>
      {!resource && <p className="empty">No resources work at this branch yet. Add them under Resources.</p>}
      {resource && !data && !week.error && <p className="muted">Loading the week…</p>}
      <ErrorLine message={refusalOf(week.error)?.sentence} testId="hours-week-error" />
      {resource && data && (
        <div className="hours-layout">
          <div className="hours-main">
            <WeekGrid week={data} today={today} target={target} colour={resource.colour || '#2f6fdd'} selectedDate={selectedDate} pending={pending} onSelectDate={selectDate} onCommit={commit} />
            <p className="muted small">Drag down a day to add hours; drag the top or bottom edge of a block to change it (quarter hours). The forms on the right do the same from the keyboard.</p>
            <ErrorLine message={dragRefusal?.sentence} testId="hours-drag-error" />
          </div>
          <aside className="hours-side">
            <nav className="hours-tabs" role="tablist" aria-label="Change hours">
              {TABS.map((t) => (
                <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'on' : ''} data-testid={`hours-tab-${t.id}`} onClick={() => setTab(t.id)}>
                  {t.label}
                </button>
              ))}
            </nav>
            {tab === 'pattern' && <PatternForm key={`${formKey}|${JSON.stringify(data.pattern)}`} resourceId={resource.id} branchId={branch.id} pattern={data.pattern} commands={commands} />}
            {tab === 'date' && (
              <ExceptionForm key={`${formKey}|${selectedDate}|${JSON.stringify(dayOf(selectedDate)?.intervals ?? null)}`} resourceId={resource.id} branchId={branch.id} date={selectedDate} day={dayOf(selectedDate)} commands={commands} onDate={(d) => { setSelectedDate(d); setWeekOf(d); }} />
            )}
            {tab === 'leave' && <LeaveForm key={`${formKey}|${selectedDate}`} resourceId={resource.id} branchId={branch.id} timeZone={branch.timeZone} firstDate={selectedDate} timeOff={data.timeOff} commands={commands} />}
          </aside>
        </div>
      )}
    </div>
  );
}
