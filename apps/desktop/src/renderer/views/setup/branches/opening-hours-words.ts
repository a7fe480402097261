import { minuteLabel, type WeeklyHours } from '@frontdesk/shared';

// Opening hours in a line: "Mon–Fri 09:00–17:00 · Sat 09:00–12:00".

const SHORT = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

const dayText = (hours: readonly WeeklyHours[], weekday: number) =>
  hours
    .filter((h) => h.weekday === weekday)
    .sort((a, b) => a.startMinute - b.startMinute)
    .map((h) => `${minuteLabel(h.startMinute)}–${minuteLabel(h.endMinute)}`)
    .join(', ');

/** Consecutive weekdays with the same hours share one entry; closed days are left out. Empty: "Not set". */
export function describeOpeningHours(hours: readonly WeeklyHours[]): string {
  if (hours.length === 0) return 'Not set';
  const parts: string[] = [];
  let run: { from: number; to: number; text: string } | null = null;
  const flush = () => {
    if (!run || !run.text) return;
    const days = run.from === run.to ? SHORT[run.from - 1]! : `${SHORT[run.from - 1]!}${run.to - run.from === 1 ? ', ' : '–'}${SHORT[run.to - 1]!}`;
    parts.push(`${days} ${run.text}`);
  };
  for (let weekday = 1; weekday <= 7; weekday++) {
    const text = dayText(hours, weekday);
    if (run && run.text === text) run.to = weekday;
    else {
      flush();
      run = { from: weekday, to: weekday, text };
    }
  }
  flush();
  return parts.join(' · ');
}

/** "Mon 24 Dec 2026" for a local date (YYYY-MM-DD). */
export function shortDate(date: string): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}
