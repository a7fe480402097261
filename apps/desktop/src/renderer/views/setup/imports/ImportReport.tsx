import type { ImportResult } from '@frontdesk/shared';

const count = (n: number) => n.toLocaleString('en');

/** What a preview or an import found: the counts, each faulty row (line, column, why) and each row already there. */
export function ImportReport({ result }: { result: ImportResult }) {
  const noun = result.kind === 'patients' ? 'patients' : 'resources';
  const willAdd = result.mode === 'preview' ? `${noun} to add` : `${noun} added`;
  return (
    <div className="import-report" data-testid="import-report">
      <p className={result.errorCount > 0 ? 'error' : 'import-message'} role="status" data-testid="import-message">
        {result.message}
      </p>
      <dl className="import-counts" data-testid="import-counts">
        <div>
          <dt>Rows in the file</dt>
          <dd data-testid="import-rows">{count(result.rows)}</dd>
        </div>
        <div>
          <dt>{willAdd[0]!.toUpperCase() + willAdd.slice(1)}</dt>
          <dd data-testid="import-created">{count(result.created)}</dd>
        </div>
        <div>
          <dt>Already there (skipped)</dt>
          <dd data-testid="import-skipped">{count(result.skipped)}</dd>
        </div>
        <div className={result.errorCount > 0 ? 'bad' : ''}>
          <dt>Errors</dt>
          <dd data-testid="import-error-count">{count(result.errorCount)}</dd>
        </div>
      </dl>

      {result.errors.length > 0 && (
        <>
          <h3 className="setup-subhead">Errors{result.errorCount > result.errors.length ? ` (the first ${count(result.errors.length)} of ${count(result.errorCount)})` : ''}</h3>
          <table className="import-table" data-testid="import-errors">
            <thead>
              <tr>
                <th>Line</th>
                <th>Column</th>
                <th>What is wrong</th>
              </tr>
            </thead>
            <tbody>
              {result.errors.map((e, i) => (
                <tr key={`${e.line}-${e.column ?? ''}-${i}`} data-testid="import-error-row" data-line={e.line} data-column={e.column ?? ''}>
                  <td className="num">{e.line}</td>
                  <td>{e.column ?? '—'}</td>
                  <td>{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      {result.duplicates.length > 0 && (
        <>
          <h3 className="setup-subhead">
            Already there, skipped{result.duplicateCount > result.duplicates.length ? ` (the first ${count(result.duplicates.length)} of ${count(result.duplicateCount)})` : ''}
          </h3>
          <table className="import-table" data-testid="import-duplicates">
            <thead>
              <tr>
                <th>Line</th>
                <th>Name</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {result.duplicates.map((d, i) => (
                <tr key={`${d.line}-${i}`} data-testid="import-duplicate-row" data-line={d.line}>
                  <td className="num">{d.line}</td>
                  <td>{d.name}</td>
                  <td>{d.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
