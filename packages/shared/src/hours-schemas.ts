import { z } from 'zod';
import type { TimeOffView } from './dto.js';
import { id, localDate } from './schemas.js';
import { resolutionsInput } from './schedule-schemas.js';

// Input schemas of the working-hours screen (setup.hours): the week at a
// glance, date exceptions and leave. The weekly pattern itself is
// schedule.setHours (schedule-schemas.ts).

/** How far ahead an exception or leave may be set, in days (the server checks it in the branch's zone). */
export const HOURS_MAX_DAYS_AHEAD = 730;
/** The longest leave at once, in days. */
export const LEAVE_MAX_DAYS = 366;

/** "09:30" from minutes after midnight (1440 is "24:00"). */
export function minuteLabel(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** A working interval of one day in local minutes after midnight, [start, end). */
export const minuteInterval = z
  .object({
    startMinute: z.number().int().min(0, 'a day starts at 00:00').max(1439, 'a day ends at 24:00'),
    endMinute: z.number().int().min(1, 'a day starts at 00:00').max(1440, 'a day ends at 24:00'),
  })
  .refine((i) => i.endMinute > i.startMinute, { message: 'it must end after it starts', path: ['endMinute'] });

export type MinuteInterval = z.infer<typeof minuteInterval>;

/**
 * The first pair of intervals that overlap, as a plain sentence ("09:00–13:00
 * overlaps 12:00–17:00"), or null. Touching intervals (a split shift) are fine.
 */
export function overlapOf(intervals: readonly MinuteInterval[]): string | null {
  const sorted = [...intervals].sort((a, b) => a.startMinute - b.startMinute || a.endMinute - b.endMinute);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.startMinute < a.endMinute) {
      return `${minuteLabel(a.startMinute)}–${minuteLabel(a.endMinute)} overlaps ${minuteLabel(b.startMinute)}–${minuteLabel(b.endMinute)}`;
    }
  }
  return null;
}

export const hoursWeekInput = z.object({
  resourceId: id,
  branchId: id,
  /** Any date of the week; the week runs Monday to Sunday in the branch's time zone. */
  weekOf: localDate,
});

export const setExceptionInput = z.object({
  resourceId: id,
  branchId: id,
  date: localDate,
  /** Replaces the weekly pattern on this date; an empty list removes the exception (the pattern applies again). */
  intervals: z
    .array(minuteInterval)
    .max(12, 'at most 12 intervals a day')
    .superRefine((list, ctx) => {
      const overlap = overlapOf(list);
      if (overlap) ctx.addIssue({ code: 'custom', message: `intervals of one day must not overlap: ${overlap}` });
    }),
  resolutions: resolutionsInput,
});

export const addLeaveInput = z
  .object({
    resourceId: id,
    branchId: id,
    /** First local date of leave, whole days. */
    from: localDate,
    /** Last local date of leave (inclusive). */
    to: localDate,
    reason: z.string().trim().max(500).default(''),
    resolutions: resolutionsInput,
  })
  .refine((v) => v.to >= v.from, { message: 'leave must end on or after the day it starts', path: ['to'] })
  .refine((v) => Date.parse(v.to) - Date.parse(v.from) < LEAVE_MAX_DAYS * 86_400_000, {
    message: `leave spans at most ${LEAVE_MAX_DAYS} days at once`,
    path: ['to'],
  });

export type HoursWeekInput = z.input<typeof hoursWeekInput>;
export type SetExceptionInput = z.input<typeof setExceptionInput>;
export type AddLeaveInput = z.input<typeof addLeaveInput>;

/** One day of a resource's week at a branch, as the working-hours screen draws it. */
export interface HoursDayView {
  date: string;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** Where the day's hours come from: the weekly pattern, or a date exception. */
  source: 'pattern' | 'exception';
  /** The hours that apply on this date, local minutes, sorted. */
  intervals: MinuteInterval[];
  /** Time off on this date (the resource's or the whole branch's), clipped to the day, local minutes. */
  timeOff: { id: string; kind: TimeOffView['kind']; whole: boolean; startMinute: number; endMinute: number; reason: string }[];
  /** Active appointments of the resource at this branch on this date (held, booked, checked in, completed). */
  appointments: number;
  /** When those appointments are, local minutes (no patient details). */
  booked: MinuteInterval[];
}

export interface HoursWeekView {
  resource: { id: string; name: string; kind: string; colour: string };
  branch: { id: string; name: string; timeZone: string };
  /** The Monday the week starts on. */
  weekStart: string;
  /** The weekly pattern at this branch (for the pattern editor). */
  pattern: { weekday: number; startMinute: number; endMinute: number }[];
  days: HoursDayView[];
  /** Time off touching the week, whole (ISO instants). */
  timeOff: TimeOffView[];
}
