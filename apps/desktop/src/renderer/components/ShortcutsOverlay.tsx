import { useShortcuts } from '../lib/shortcuts.js';
import { SHORTCUT_GROUPS } from './shortcut-list.js';

export function ShortcutsOverlay({ onClose }: { onClose: () => void }) {
  useShortcuts([{ key: 'Escape', label: 'Close', run: onClose, whileTyping: true }], 'overlay');
  return (
    <div className="overlay" data-testid="shortcuts" onClick={onClose}>
      <div className="card shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        {SHORTCUT_GROUPS.map(([title, rows]) => (
          <section key={title} data-testid={`shortcuts-${title.toLowerCase().replace(/ /g, '-')}`}>
            <h3>{title}</h3>
            <table>
              <tbody>
                {rows.map(({ show, what }) => (
                  <tr key={show}>
                    <td>
                      <kbd>{show}</kbd>
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
