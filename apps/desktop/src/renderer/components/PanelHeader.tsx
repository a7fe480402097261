import type { ReactNode } from 'react';

/** A side panel's title with its close button. */
export function PanelHeader({ title, onClose }: { title: ReactNode; onClose: () => void }) {
  return (
    <header>
      <h2>{title}</h2>
      <button className="link" onClick={onClose} aria-label="Close">
        ✕
      </button>
    </header>
  );
}
