import { useShortcuts } from '../lib/shortcuts.js';

const GROUPS: [string, [string, string][]][] = [
  ['Anywhere', [['?', 'Show or hide this list'], ['G', 'Day grid'], ['F', 'Finder'], ['D', 'Day sheet'], ['T', 'Today'], ['← / →', 'Previous / next day'], ['N', 'New booking at the next free slot'], ['/', 'Search patient']]],
  ['Day grid', [['Click a free slot', 'Hold it at once'], ['Click an appointment', 'Select it'], ['↑ / ↓', 'Move the selected appointment by 15 min'], ['Shift + ← / →', 'Move it to the next column'], ['Enter', 'Commit the move'], ['Esc', 'Cancel the move / close the panel'], ['C', 'Check in'], ['H', 'History']]],
  ['Finder', [['↑ / ↓', 'Pick a slot'], ['Enter or H', 'Hold it']]],
];

export function ShortcutsOverlay({ onClose }: { onClose: () => void }) {
  useShortcuts([{ key: 'Escape', label: 'Close', run: onClose, whileTyping: true }], 'overlay');
  return (
    <div className="overlay" data-testid="shortcuts" onClick={onClose}>
      <div className="card shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        {GROUPS.map(([title, rows]) => (
          <section key={title}>
            <h3>{title}</h3>
            <table>
              <tbody>
                {rows.map(([k, what]) => (
                  <tr key={k}>
                    <td>
                      <kbd>{k}</kbd>
                    </td>
                    <td>{what}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
        <button onClick={onClose}>Close</button>
      </div>
    </div>
  );
}
