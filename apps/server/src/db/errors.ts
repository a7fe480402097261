// Classifies failures from pg, Prisma and the driver adapter by SQLSTATE, so
// callers never look at message text.

export const PG = {
  UNIQUE_VIOLATION: '23505',
  EXCLUSION_VIOLATION: '23P01',
  CHECK_VIOLATION: '23514',
  FOREIGN_KEY_VIOLATION: '23503',
  SERIALIZATION_FAILURE: '40001',
  DEADLOCK_DETECTED: '40P01',
  LOCK_NOT_AVAILABLE: '55P03',
  INVALID_TEXT_REPRESENTATION: '22P02',
  /** Our own: the hours guard refused an occupancy outside the resource's schedule (migration hours_guard). */
  OUTSIDE_HOURS: 'FD001',
} as const;

interface Shaped {
  code?: unknown;
  constraint?: unknown;
  meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; kind?: unknown; constraint?: { index?: unknown } } }; code?: unknown; target?: unknown };
  cause?: unknown;
}

/** The SQLSTATE behind an error, however many layers wrap it. */
export function sqlStateOf(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const e = current as Shaped;
    const adapterCode = e.meta?.driverAdapterError?.cause?.originalCode;
    if (typeof adapterCode === 'string') return adapterCode;
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
    if (e.code === 'P2002') return PG.UNIQUE_VIOLATION;
    if (e.code === 'P2034') return PG.SERIALIZATION_FAILURE;
    if (typeof (e as { originalCode?: unknown }).originalCode === 'string') return (e as { originalCode: string }).originalCode;
    current = e.cause;
  }
  return null;
}

/** The constraint or index named by a violation, when the driver reports it. */
export function constraintOf(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const e = current as Shaped;
    if (typeof e.constraint === 'string') return e.constraint;
    const index = e.meta?.driverAdapterError?.cause?.constraint?.index;
    if (typeof index === 'string') return index;
    current = e.cause;
  }
  return null;
}

/** Deadlocks and serialization failures: the whole transaction may be retried. */
export function isTransient(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state === PG.SERIALIZATION_FAILURE || state === PG.DEADLOCK_DETECTED;
}

export function isExclusionViolation(error: unknown): boolean {
  return sqlStateOf(error) === PG.EXCLUSION_VIOLATION;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (sqlStateOf(error) !== PG.UNIQUE_VIOLATION) return false;
  return constraint === undefined || constraintOf(error) === constraint;
}
