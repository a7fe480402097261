import type { DayResource } from '@frontdesk/shared';
import type { DayLook } from '../../lib/desk-memory.js';
import { ColumnFilter } from './ColumnFilter.js';
import { zoomed, ZOOM_ROWS } from './grid-layout.js';

/** How the desk looks at the day: day or one column's week, which columns, colour by what, and the zoom. */
export function DayLookBar({
  look,
  onLook,
  branchId,
  resources,
  week,
  onWeek,
}: {
  look: DayLook;
  onLook: (change: (look: DayLook) => DayLook) => void;
  branchId: string;
  resources: DayResource[];
  week: boolean;
  onWeek: (on: boolean) => void;
}) {
  const zoomBy = (step: number) => onLook((l) => ({ ...l, zoom: zoomed(l.zoom, step) }));
  return (
    <span className="looktools">
      <span className="seg" role="group" aria-label="Day or week">
        <button data-testid="view-day" className={!week ? 'on' : ''} aria-pressed={!week} onClick={() => onWeek(false)}>
          Day
        </button>
        <button data-testid="view-week" className={week ? 'on' : ''} aria-pressed={week} title="One column's week (W)" onClick={() => onWeek(true)}>
          Week <kbd>W</kbd>
        </button>
      </span>
      {!week && (
        <ColumnFilter
          resources={resources}
          hidden={look.hidden[branchId] ?? []}
          sets={look.sets[branchId] ?? []}
          onHidden={(next) => onLook((l) => ({ ...l, hidden: { ...l.hidden, [branchId]: next } }))}
          onSets={(next) => onLook((l) => ({ ...l, sets: { ...l.sets, [branchId]: next } }))}
        />
      )}
      <span className="seg" role="group" aria-label="Colour by">
        <span className="muted small">Colour by</span>
        {(['practitioner', 'service'] as const).map((by) => (
          <button key={by} data-testid={`colour-by-${by}`} className={look.colourBy === by ? 'on' : ''} aria-pressed={look.colourBy === by} onClick={() => onLook((l) => ({ ...l, colourBy: by }))}>
            {by}
          </button>
        ))}
      </span>
      <span className="seg" role="group" aria-label="Zoom">
        <button data-testid="zoom-out" aria-label="Zoom out (-)" title="Zoom out (-)" disabled={look.zoom === 0} onClick={() => zoomBy(-1)}>
          −
        </button>
        <span className="muted small" data-testid="zoom-level">
          {look.zoom + 1}/{ZOOM_ROWS.length}
        </span>
        <button data-testid="zoom-in" aria-label="Zoom in (+)" title="Zoom in (+)" disabled={look.zoom === ZOOM_ROWS.length - 1} onClick={() => zoomBy(1)}>
          +
        </button>
      </span>
    </span>
  );
}
