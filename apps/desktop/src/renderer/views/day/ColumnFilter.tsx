import { useState } from 'react';
import type { DayResource } from '@frontdesk/shared';
import type { ColumnSet } from '../../lib/desk-memory.js';

/**
 * Which columns the day shows: practitioners and rooms ticked one by one, and
 * named sets of columns this desk saved, applied with one click.
 */
export function ColumnFilter({
  resources,
  hidden,
  sets,
  onHidden,
  onSets,
}: {
  resources: DayResource[];
  hidden: string[];
  sets: ColumnSet[];
  onHidden: (hidden: string[]) => void;
  onSets: (sets: ColumnSet[]) => void;
}) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  const shown = resources.filter((r) => !hidden.includes(r.id));
  const groups: [string, DayResource[]][] = [
    ['Practitioners', resources.filter((r) => r.kind === 'PRACTITIONER')],
    ['Rooms, chairs and devices', resources.filter((r) => r.kind !== 'PRACTITIONER')],
  ];
  const toggle = (id: string) => onHidden(hidden.includes(id) ? hidden.filter((x) => x !== id) : [...hidden, id]);
  const apply = (set: ColumnSet) => onHidden(resources.filter((r) => !set.resourceIds.includes(r.id)).map((r) => r.id));
  const save = () => {
    const trimmed = name.trim();
    if (!trimmed) return setError('Give the set a name, e.g. "Morning dentists".');
    if (shown.length === 0) return setError('Tick at least one column to save.');
    onSets([...sets.filter((s) => s.name !== trimmed), { name: trimmed, resourceIds: shown.map((r) => r.id) }]);
    setName('');
    setError('');
  };

  return (
    <div className="colfilter">
      <button data-testid="columns-open" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Columns {hidden.length ? `(${shown.length} of ${resources.length})` : ''} ▾
      </button>
      {sets.length > 0 && (
        <span className="colsets" data-testid="column-sets">
          {sets.map((s) => (
            <button key={s.name} className="chip" data-testid={`column-set-${s.name}`} onClick={() => apply(s)} title={`Show only: ${s.resourceIds.length} columns`}>
              {s.name}
            </button>
          ))}
        </span>
      )}
      {open && (
        <div className="colfilter-pop panel" data-testid="columns-panel" role="dialog" aria-label="Columns">
          <div className="colfilter-actions">
            <button className="link" data-testid="columns-all" onClick={() => onHidden([])}>
              Show all
            </button>
            <button className="link" onClick={() => setOpen(false)}>
              Close
            </button>
          </div>
          {groups.map(([title, list]) =>
            list.length ? (
              <fieldset key={title}>
                <legend>{title}</legend>
                {list.map((r) => (
                  <label key={r.id} className="colfilter-item">
                    <input type="checkbox" data-testid={`column-toggle-${r.id}`} checked={!hidden.includes(r.id)} onChange={() => toggle(r.id)} />
                    {r.colour && <span className="dot" style={{ background: r.colour }} aria-hidden="true" />}
                    {r.name}
                  </label>
                ))}
              </fieldset>
            ) : null,
          )}
          <fieldset>
            <legend>Saved sets</legend>
            <div className="colfilter-save">
              <label>
                Name for the ticked columns
                <input data-testid="column-set-name" value={name} onChange={(e) => setName(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && save()} />
              </label>
              <button data-testid="column-set-save" onClick={save}>
                Save set
              </button>
            </div>
            {error && <div className="error small">{error}</div>}
            {sets.map((s) => (
              <div key={s.name} className="colfilter-item">
                <span>
                  {s.name} <span className="muted small">({s.resourceIds.length} columns)</span>
                </span>
                <button className="link" aria-label={`Delete the set ${s.name}`} onClick={() => onSets(sets.filter((x) => x.name !== s.name))}>
                  Delete
                </button>
              </div>
            ))}
          </fieldset>
        </div>
      )}
    </div>
  );
}
