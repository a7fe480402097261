import { minuteLabel, type WeeklyHours } from '@frontdesk/shared';

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

// Opening hours bound the weekly hours of everyone at the branch: when they
// shrink, each resource's hours there are trimmed to fit (and the appointments
// that no longer fit are settled); a room or chair that was open whenever the
// branch was stays so. Date exceptions are left alone: an extra
// clinic on a closed Saturday is an explicit choice for that date.

export function sortHours<H extends WeeklyHours>(hours: readonly H[]): H[] {
  return [...hours].sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute || a.endMinute - b.endMinute);
}

/**
 * A resource's hours at the branch once its opening hours change from
 * `before` to `after`: hours that were exactly the old opening hours (a room
 * open whenever the branch is) follow the new ones; others are cut to fit.
 */
export function fitToOpeningHours(hours: readonly WeeklyHours[], before: readonly WeeklyHours[], after: readonly WeeklyHours[]): WeeklyHours[] {
  if (before.length > 0 && sameHours(hours, before)) return sortHours(after.length > 0 ? after : hours);
  return clipToOpeningHours(hours, after);
}

/**
 * `hours` cut to what `opening` allows, weekday by weekday. No opening hours
 * at all means none are set yet: nothing is cut. Once some are, a weekday
 * without any is closed.
 */
export function clipToOpeningHours(hours: readonly WeeklyHours[], opening: readonly WeeklyHours[]): WeeklyHours[] {
  if (opening.length === 0) return sortHours(hours);
  const out: WeeklyHours[] = [];
  for (const h of hours) {
    for (const o of opening) {
      if (o.weekday !== h.weekday) continue;
      const startMinute = Math.max(h.startMinute, o.startMinute);
      const endMinute = Math.min(h.endMinute, o.endMinute);
      if (startMinute < endMinute) out.push({ weekday: h.weekday, startMinute, endMinute });
    }
  }
  return sortHours(out);
}

export function sameHours(a: readonly WeeklyHours[], b: readonly WeeklyHours[]): boolean {
  const x = sortHours(a);
  const y = sortHours(b);
  return x.length === y.length && x.every((h, i) => h.weekday === y[i]!.weekday && h.startMinute === y[i]!.startMinute && h.endMinute === y[i]!.endMinute);
}

/**
 * Opening hours bound everyone's weekly hours at a branch (Setup → Branches
 * trims them when the opening hours shrink): the first interval that does not
 * fit, in words, or null. Touching opening intervals count as one.
 */
export function outsideOpeningHours(hours: readonly WeeklyHours[], branch: { name: string; openingHours: readonly WeeklyHours[] }): string | null {
  if (branch.openingHours.length === 0) return null;
  for (const h of hours) {
    const day = branch.openingHours.filter((o) => o.weekday === h.weekday).sort((a, b) => a.startMinute - b.startMinute);
    const label = DAY_NAMES[h.weekday - 1]!;
    if (day.length === 0) return `${branch.name} is closed on ${label}s; change its opening hours in Setup → Branches first, or these hours.`;
    const runs: { start: number; end: number }[] = [];
    for (const o of day) {
      const last = runs.at(-1);
      if (last && o.startMinute <= last.end) last.end = Math.max(last.end, o.endMinute);
      else runs.push({ start: o.startMinute, end: o.endMinute });
    }
    const fits = runs.some((r) => r.start <= h.startMinute && h.endMinute <= r.end);
    if (!fits) {
      const open = day.map((o) => `${minuteLabel(o.startMinute)}–${minuteLabel(o.endMinute)}`).join(', ');
      return `${label} ${minuteLabel(h.startMinute)}–${minuteLabel(h.endMinute)} is outside the opening hours of ${branch.name} (${label} ${open}); change them in Setup → Branches first, or these hours.`;
    }
  }
  return null;
}
