import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { IMPORT_COLUMNS, IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, type ImportKind } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { sentenceFor } from '../../lib/errors.js';
import { useTRPC } from '../../lib/trpc.js';
import { ImportReport } from './imports/ImportReport.js';
import { fractionDone, type Running } from './imports/progress.js';
import { useImport } from './imports/use-import.js';
import type { SetupSectionProps } from './sections.js';

const KINDS: { kind: ImportKind; label: string }[] = [
  { kind: 'patients', label: 'Patients' },
  { kind: 'resources', label: 'Resources with their hours' },
];

/** What each column holds, in a line per kind. */
const FORMAT: Record<ImportKind, string> = {
  patients: 'name and phone are needed; date_of_birth is written YYYY-MM-DD; email may be empty. A row with the same name and date of birth, or the same phone, as a patient already there is skipped.',
  resources:
    'kind is practitioner, room, chair or device; branch is a branch’s name; tags are separated by semicolons (gp;minor surgery); colour is like #2f6fdd; hours are like mon-fri=09:00-13:00 14:00-18:00;sat=09:00-12:00. A resource at two branches takes a row for each. One already there (same kind and name) is skipped.',
};

const PHASE_WORDS = { reading: 'Reading the file', checking: 'Checking against the clinic', writing: 'Writing' } as const;

/** A file is the same one while its name, size and date are. */
const identity = (file: File) => `${file.name}|${file.size}|${file.lastModified}`;

function Progress({ state }: { state: Running }) {
  const p = state.progress;
  const words = p ? `${PHASE_WORDS[p.phase]}… ${p.rows.toLocaleString('en')}${p.total ? ` of ${p.total.toLocaleString('en')}` : ''} rows` : 'Sending the file…';
  return (
    <div className="import-progress" data-testid="import-progress">
      <progress max={1} value={fractionDone(state)} aria-label={state.mode === 'preview' ? 'Preview progress' : 'Import progress'} />
      <span className="muted small" data-testid="import-progress-words">
        {words}
      </span>
    </div>
  );
}

/**
 * Patients, or resources with their weekly hours, from a CSV file: a preview
 * first (every faulty row by line and column, and what is already there),
 * then the import, all at once or not at all.
 */
export function ImportSection(_props: SetupSectionProps) {
  const trpc = useTRPC();
  const runs = useQuery(trpc.setup.imports.runs.queryOptions());
  const { state, run, reset } = useImport();
  const [kind, setKind] = useState<ImportKind>('patients');
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  /** The kind and file a clean preview was made of: the import is offered for those. */
  const [cleared, setCleared] = useState<string | null>(null);

  const current = file ? `${kind}|${identity(file)}` : null;
  const busy = state.status === 'running';
  const mayImport = !busy && current !== null && cleared === current;

  const choose = (next: File | null) => {
    reset();
    setCleared(null);
    setFileError(null);
    if (next && next.size > IMPORT_MAX_BYTES) {
      setFile(null);
      setFileError(`That file is larger than ${IMPORT_MAX_BYTES / (1024 * 1024)} MB; split it into smaller files.`);
      return;
    }
    setFile(next);
  };

  const preview = async () => {
    if (!file) {
      setFileError('Choose a CSV file first.');
      return;
    }
    const result = await run(kind, 'preview', file);
    setCleared(result && result.errorCount === 0 && result.created > 0 && !result.alreadyImported ? `${kind}|${identity(file)}` : null);
  };

  const apply = async () => {
    if (!file) return;
    await run(kind, 'apply', file);
    setCleared(null);
  };

  const { required, optional } = IMPORT_COLUMNS[kind];
  return (
    <div className="import-section">
      <h2>Import</h2>
      <p className="muted">
        Bring in patients, or practitioners, rooms, chairs and devices with their weekly hours, from a CSV file (UTF-8, up to {IMPORT_MAX_BYTES / (1024 * 1024)} MB and{' '}
        {IMPORT_MAX_ROWS.toLocaleString('en')} rows). The preview writes nothing; the import adds every row or, if any row is wrong, none. Importing the same file again changes nothing.
      </p>

      <form
        className="setup-card"
        data-testid="import-form"
        onSubmit={(e) => {
          e.preventDefault();
          void preview();
        }}
      >
        <div className="setup-grid2">
          <label>
            What to import
            <select
              data-testid="import-kind"
              value={kind}
              disabled={busy}
              onChange={(e) => {
                reset();
                setCleared(null);
                setKind(e.target.value as ImportKind);
              }}
            >
              {KINDS.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            CSV file
            <input type="file" accept=".csv,text/csv" data-testid="import-file" disabled={busy} onChange={(e) => choose(e.target.files?.[0] ?? null)} />
          </label>
        </div>
        <ErrorLine message={fileError} testId="import-file-error" />
        <p className="field-hint" data-testid="import-format">
          The first line names the columns: <code>{[...required, ...optional].join(',')}</code>. {FORMAT[kind]}
        </p>
        <div className="actions">
          <button type="submit" className="primary setup-inline" data-testid="import-preview" disabled={busy || !file}>
            Preview
          </button>
          <button type="button" className="setup-inline" data-testid="import-apply" disabled={!mayImport} onClick={() => void apply()}>
            Import
          </button>
          {!mayImport && file && !busy && state.status !== 'done' && <span className="muted small">Preview the file first.</span>}
        </div>
        {state.status === 'running' && <Progress state={state} />}
        {state.status === 'failed' && <ErrorLine message={state.message} testId="import-failure" />}
        {state.status === 'done' && <ImportReport result={state.result} />}
      </form>

      <h3 className="setup-subhead">Recent imports</h3>
      {runs.isError && <p className="error">Could not load the recent imports. {sentenceFor(runs.error)}</p>}
      {runs.data && runs.data.length === 0 && <p className="muted">Nothing imported yet.</p>}
      {runs.data && runs.data.length > 0 && (
        <table className="import-table" data-testid="import-runs">
          <thead>
            <tr>
              <th>When</th>
              <th>What</th>
              <th>File</th>
              <th className="num">Rows</th>
              <th className="num">Added</th>
              <th className="num">Skipped</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.map((r) => (
              <tr key={r.id} data-testid="import-run-row">
                <td>{new Date(r.createdAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}</td>
                <td>{r.kind === 'patients' ? 'Patients' : 'Resources'}</td>
                <td>{r.fileName || '—'}</td>
                <td className="num">{r.rows.toLocaleString('en')}</td>
                <td className="num">{r.created.toLocaleString('en')}</td>
                <td className="num">{r.skipped.toLocaleString('en')}</td>
                <td>{r.createdBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
