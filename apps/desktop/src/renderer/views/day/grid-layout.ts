import type { AppointmentStatus } from '@frontdesk/shared';

// The grid's pure layout: which lane each block takes so no label sits under
// another, how much a block of a given height shows, and how a status reads
// without its colour.

/** One block in one column, in pixels from the top of the column. */
export interface Placed {
  key: string;
  top: number;
  height: number;
}

export interface Lane {
  lane: number;
  lanes: number;
}

/** Every label needs one text line, however short the appointment: a 5-minute block is drawn this tall. */
export const MIN_LABEL_PX = 18;

/**
 * Side-by-side lanes for blocks that would overlap as drawn (each at least
 * MIN_LABEL_PX tall): blocks that touch a cluster share its lane count, each
 * in the first lane free at its top, so no block covers another's label.
 */
export function assignLanes(blocks: readonly Placed[]): Map<string, Lane> {
  const sorted = [...blocks].sort((a, b) => a.top - b.top || b.height - a.height || a.key.localeCompare(b.key));
  const out = new Map<string, Lane>();
  let cluster: string[] = [];
  let laneEnds: number[] = [];
  let clusterEnd = -Infinity;
  const close = () => {
    for (const key of cluster) out.set(key, { lane: out.get(key)!.lane, lanes: laneEnds.length });
    cluster = [];
    laneEnds = [];
  };
  for (const b of sorted) {
    const bottom = b.top + Math.max(b.height, MIN_LABEL_PX);
    if (b.top >= clusterEnd) close();
    let lane = laneEnds.findIndex((end) => end <= b.top);
    if (lane === -1) lane = laneEnds.push(bottom) - 1;
    else laneEnds[lane] = bottom;
    out.set(b.key, { lane, lanes: 0 });
    cluster.push(b.key);
    clusterEnd = Math.max(clusterEnd === -Infinity ? bottom : clusterEnd, bottom);
  }
  close();
  return out;
}

/** How much of an appointment a block of `height` pixels shows. */
export type Density = 'line' | 'compact' | 'full';

/** One line (name and status) under two text lines, time + name + status under three, else the service too. */
export function densityFor(height: number): Density {
  if (height < 34) return 'line';
  if (height < 50) return 'compact';
  return 'full';
}

export interface StatusMark {
  icon: string;
  text: string;
}

// Glyphs every common UI font has (DejaVu, Segoe UI, Helvetica): an emoji such as an hourglass shows as a box where no emoji font is installed.
const MARKS: Partial<Record<string, StatusMark>> = {
  HELD: { icon: '◔', text: 'held' },
  BOOKED: { icon: '○', text: 'booked' },
  CHECKED_IN: { icon: '✓', text: 'arrived' },
  IN_CONSULTATION: { icon: '▶', text: 'in consultation' },
  COMPLETED: { icon: '✔', text: 'done' },
  NO_SHOW: { icon: '✗', text: 'no-show' },
  CANCELLED: { icon: '⊘', text: 'cancelled' },
  EXPIRED: { icon: '◌', text: 'expired' },
  RELEASED: { icon: '–', text: 'released' },
};

/** A status as an icon and a word, so colour is never the only signal. */
export function statusMark(status: AppointmentStatus | string): StatusMark {
  return MARKS[status] ?? { icon: '•', text: status.toLowerCase().replace(/_/g, ' ') };
}

/** Row heights of one 15-minute row, smallest first. */
export const ZOOM_ROWS = [20, 36, 52] as const;
/** Narrowest column width at each zoom level. */
export const ZOOM_COLS = [150, 160, 190] as const;

export function zoomed(level: number, step: number): number {
  return Math.min(ZOOM_ROWS.length - 1, Math.max(0, level + step));
}

/** A colour as a light background behind dark text (#rrggbb + alpha). */
export function tint(colour: string, alpha = 0.16): string {
  if (!/^#[0-9a-fA-F]{6}$/.test(colour)) return '';
  const a = Math.round(alpha * 255)
    .toString(16)
    .padStart(2, '0');
  return `${colour}${a}`;
}

/**
 * An appointment's colour. By practitioner: its first practitioner's colour
 * (else its first resource's, e.g. a room booked alone); by service: the
 * service's colour from setup. '' when there is none (the status's own tint stays).
 */
export function colourFor(
  appointment: { serviceId: string; resources: { resourceId: string }[] },
  by: 'practitioner' | 'service',
  resources: readonly { id: string; kind: string; colour: string }[],
  serviceColour: (serviceId: string) => string,
): string {
  if (by === 'service') return serviceColour(appointment.serviceId);
  const parts = appointment.resources.map((p) => resources.find((r) => r.id === p.resourceId)).filter((r) => !!r);
  return (parts.find((r) => r.kind === 'PRACTITIONER') ?? parts[0])?.colour ?? '';
}
