// Every key the desk answers to, as the help overlay lists it. `keys` are the
// KeyboardEvent keys (the test checks each registered key is here); `show` is
// what people read.

export interface ShortcutRow {
  keys: string[];
  show: string;
  what: string;
}

const row = (show: string, what: string, keys: string[] = [show.toLowerCase()]): ShortcutRow => ({ keys, show, what });

export const SHORTCUT_GROUPS: [string, ShortcutRow[]][] = [
  [
    'Anywhere',
    [
      row('?', 'Show or hide this list'),
      row('N', 'New booking: holds the next free time, focus in the patient search'),
      row('/', 'Search patient'),
      row('G', 'Day grid'),
      row('F', 'Finder'),
      row('P', 'Patients'),
      row('L', 'Waitlist, with the freed times on offer'),
      row('D', 'Day sheet (managers)'),
      row('S', 'Setup'),
      row('T', 'Today'),
      row('← / →', 'Previous / next day', ['ArrowLeft', 'ArrowRight']),
    ],
  ],
  [
    'New booking',
    [
      row('↑ / ↓', 'Walk the patients found', ['ArrowUp', 'ArrowDown']),
      row('Enter', 'Pick the patient; focus moves to the service', ['Enter']),
      row('Tab', 'Next field (service, products, note)', ['Tab']),
      row('Enter on the service', 'Confirm the booking', ['Enter']),
      row('Ctrl + Enter', 'Confirm from anywhere in the panel', ['Enter']),
      row('Esc', 'Release the hold', ['Escape']),
    ],
  ],
  [
    'Day grid',
    [
      row('Click a free slot', 'Hold it at once', []),
      row('Click an appointment', 'Select it', []),
      row('↑ / ↓', 'Move the selected appointment by 15 min', ['ArrowUp', 'ArrowDown']),
      row('Shift + ← / →', 'Move it to the next column', ['ArrowLeft', 'ArrowRight']),
      row('Enter', 'Commit the move', ['Enter']),
      row('Esc', 'Cancel the move / close the panel', ['Escape']),
      row('C', 'Check in'),
      row('H', 'History'),
      row('+ / −', 'Zoom in / out', ['+', '=', '-']),
      row('W', 'Week of the first column / back to the day'),
    ],
  ],
  [
    'Finder',
    [
      row('↑ / ↓ (or J / K)', 'Pick a slot', ['ArrowUp', 'ArrowDown', 'j', 'k']),
      row('Enter or H', 'Hold it, then the day opens with the patient search focused', ['Enter', 'h']),
      row('M', 'Show more'),
    ],
  ],
  [
    'Queue',
    [
      row('N', 'Call next (in the queue panel)'),
      row('R', 'Recall'),
      row('S', 'Skip to the back'),
      row('D', 'Served (done)'),
    ],
  ],
];

/** Every key the overlay lists, by group. */
export function listedKeys(group?: string): Set<string> {
  return new Set(SHORTCUT_GROUPS.filter(([title]) => !group || title === group).flatMap(([, rows]) => rows.flatMap((r) => r.keys)));
}
