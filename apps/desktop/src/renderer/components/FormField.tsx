import { useId, type ReactNode } from 'react';

/** What a field's input gets: its id (the label points at it), and its error or hint for screen readers. */
export interface FieldInputProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

/**
 * A labelled input with its slip, in plain words, right under it (or a hint
 * while there is none). The label names the input, so getByLabel finds it.
 */
export function FormField({
  label,
  error,
  hint,
  className,
  testId,
  children,
}: {
  label: string;
  error?: string | null | undefined;
  hint?: ReactNode;
  className?: string;
  /** The error line's test id is `<testId>-error`. */
  testId?: string;
  children: (input: FieldInputProps) => ReactNode;
}) {
  const id = useId();
  const note = `${id}-note`;
  return (
    <div className={`form-field${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(error ? { 'aria-invalid': true as const } : {}), ...(error || hint ? { 'aria-describedby': note } : {}) })}
      {error ? (
        <span id={note} className="field-error" role="alert" data-testid={testId ? `${testId}-error` : undefined}>
          {error}
        </span>
      ) : hint ? (
        <span id={note} className="field-hint">
          {hint}
        </span>
      ) : null}
    </div>
  );
}
