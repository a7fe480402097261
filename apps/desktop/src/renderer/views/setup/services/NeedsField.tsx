import { RESOURCE_KINDS, type ResourceKind } from '@frontdesk/shared';
import { KIND_WORDS } from './service-words.js';

/** One thing the service needs, as the form holds it: a kind, and a tag ("" for any of the kind). */
export interface Need {
  kind: ResourceKind;
  tag: string;
}

/**
 * What the service needs, one resource per row (e.g. a practitioner tagged
 * "dentist" and a chair): kind and tag, with the tags resources carry offered.
 */
export function NeedsField({
  needs,
  tagsOf,
  problems,
  disabled,
  onChange,
}: {
  needs: Need[];
  /** The tags resources of a kind carry, for suggestions. */
  tagsOf: (kind: ResourceKind) => string[];
  /** Slips by path: "requirements", "requirements.0.tag". */
  problems: Record<string, string | undefined>;
  disabled: boolean;
  onChange: (needs: Need[]) => void;
}) {
  const set = (i: number, need: Need) => onChange(needs.map((n, j) => (j === i ? need : n)));
  return (
    <fieldset className="service-fieldset" data-testid="service-needs">
      <legend>Needs</legend>
      <p className="field-hint">One resource of each row at once. A tag narrows it (e.g. a practitioner tagged “dentist”); empty means any of that kind.</p>
      {needs.map((need, i) => (
        <div className="service-need" key={i} data-testid="service-need">
          <select aria-label={`Need ${i + 1}: kind`} data-testid={`service-need-kind-${i}`} value={need.kind} disabled={disabled} onChange={(e) => set(i, { ...need, kind: e.target.value as ResourceKind })}>
            {RESOURCE_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_WORDS[k]}
              </option>
            ))}
          </select>
          <input
            aria-label={`Need ${i + 1}: tag`}
            data-testid={`service-need-tag-${i}`}
            placeholder="any"
            list={`service-tags-${need.kind}`}
            value={need.tag}
            disabled={disabled}
            aria-invalid={problems[`requirements.${i}.tag`] ? true : undefined}
            onChange={(e) => set(i, { ...need, tag: e.target.value })}
          />
          <button type="button" className="link danger-text" aria-label={`Remove need ${i + 1}`} disabled={disabled} onClick={() => onChange(needs.filter((_, j) => j !== i))}>
            Remove
          </button>
          {problems[`requirements.${i}.tag`] && <span className="field-error">{problems[`requirements.${i}.tag`]}</span>}
        </div>
      ))}
      <div className="service-add-needs">
        {RESOURCE_KINDS.map((k) => (
          <button type="button" key={k} data-testid={`service-add-${k.toLowerCase()}`} disabled={disabled} onClick={() => onChange([...needs, { kind: k, tag: '' }])}>
            + {KIND_WORDS[k].toLowerCase()}
          </button>
        ))}
      </div>
      {RESOURCE_KINDS.map((k) => (
        <datalist key={k} id={`service-tags-${k}`}>
          {tagsOf(k).map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      ))}
      {problems.requirements && (
        <span className="field-error" role="alert" data-testid="service-requirements-error">
          {problems.requirements}
        </span>
      )}
    </fieldset>
  );
}
