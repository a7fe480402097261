import type { ImportMode, ImportProgress } from '@frontdesk/shared';

/** An import under way, as the progress bar knows it. */
export interface Running {
  status: 'running';
  mode: ImportMode;
  /** The server's latest progress line, none before the first. */
  progress: ImportProgress | null;
  /** The file's size: reading is measured in bytes, the rest in rows. */
  fileBytes: number;
}

/** How far along the whole import is, 0..1: reading is most of a preview, writing most of an apply. */
export function fractionDone(state: Running): number {
  const p = state.progress;
  if (!p) return 0;
  const share = (done: number, of: number | null) => (of ? Math.min(1, done / of) : 0);
  const [read, check] = state.mode === 'preview' ? [0.85, 0.15] : [0.4, 0.1];
  if (p.phase === 'reading') return read * (state.fileBytes ? Math.min(1, p.bytes / state.fileBytes) : share(p.rows, p.total));
  if (p.phase === 'checking') return read + check * share(p.rows, p.total);
  return read + check + (1 - read - check) * share(p.rows, p.total);
}
