import { localDateOf, localMinuteToInstant } from '@frontdesk/shared';

/** Runs every contender at the same moment (a barrier) and settles them all. */
export async function race<T>(count: number, contender: (i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const runs = Array.from({ length: count }, async (_, i) => {
    await gate;
    return contender(i);
  });
  open();
  return Promise.allSettled(runs);
}

/** The local date `weeks` weeks ahead on the given ISO weekday (1 = Monday) in a zone. */
export function upcoming(isoWeekday: number, timeZone: string, weeks = 1): string {
  const today = localDateOf(Date.now(), timeZone);
  const base = new Date(`${today}T12:00:00Z`);
  const current = ((base.getUTCDay() + 6) % 7) + 1;
  const ahead = ((isoWeekday - current + 7) % 7) + 7 * (weeks - 1) + (isoWeekday === current ? 7 : 0);
  return new Date(base.getTime() + ahead * 86_400_000).toISOString().slice(0, 10);
}

/** An ISO instant for a local wall-clock time, e.g. at('2026-11-23', '10:15', zone). */
export function at(date: string, hhmm: string, timeZone: string): string {
  const minute = Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return new Date(localMinuteToInstant(date, minute, timeZone)).toISOString();
}

export function codeOf(result: PromiseSettledResult<unknown>): string {
  if (result.status === 'fulfilled') return 'OK';
  const reason = result.reason as { data?: { domain?: { code?: string } | null }; cause?: { code?: string }; code?: string };
  return reason.data?.domain?.code ?? reason.cause?.code ?? reason.code ?? 'UNKNOWN';
}
