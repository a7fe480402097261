import type { WeeklyHours } from '@frontdesk/shared';

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
