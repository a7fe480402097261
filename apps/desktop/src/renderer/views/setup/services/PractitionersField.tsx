/** A practitioner who may be listed as offering the service. */
export interface PractitionerChoice {
  id: string;
  name: string;
  /** Not active any more: shown while listed, so it can be taken off. */
  inactive?: boolean;
}

/** A listed practitioner as the form holds it: an own length in minutes, "" for the service's. */
export type Offering = Record<string, { own: string }>;

/**
 * Who offers the service, each with an own length where theirs differs.
 * Nobody ticked: anyone meeting the needs offers it.
 */
export function PractitionersField({
  choices,
  offering,
  needsPractitioner,
  serviceLength,
  problems,
  disabled,
  onChange,
}: {
  choices: PractitionerChoice[];
  offering: Offering;
  needsPractitioner: boolean;
  serviceLength: string;
  /** Slips by path: "practitioners", "practitioners.<resourceId>". */
  problems: Record<string, string | undefined>;
  disabled: boolean;
  onChange: (offering: Offering) => void;
}) {
  const toggle = (id: string, on: boolean) => {
    const next = { ...offering };
    if (on) next[id] = { own: '' };
    else delete next[id];
    onChange(next);
  };
  return (
    <fieldset className="service-fieldset" data-testid="service-practitioners">
      <legend>Offered by</legend>
      {!needsPractitioner ? (
        <p className="field-hint">Add a practitioner to what it needs to choose who offers it.</p>
      ) : choices.length === 0 ? (
        <p className="field-hint">No practitioner meets these needs yet.</p>
      ) : (
        <>
          <p className="field-hint">Nobody ticked: anyone who meets the needs offers it. An own length replaces the service's {serviceLength || '…'} minutes for that practitioner.</p>
          <div className="service-practitioners">
            {choices.map((p) => {
              const on = p.id in offering;
              const problem = problems[`practitioners.${p.id}`];
              return (
                <div key={p.id} className="service-practitioner" data-testid="service-practitioner">
                  <label className="check">
                    <input type="checkbox" data-testid={`service-offered-${p.id}`} checked={on} disabled={disabled} onChange={(e) => toggle(p.id, e.target.checked)} />
                    {p.name}
                    {p.inactive && <span className="muted small"> (inactive)</span>}
                  </label>
                  {on && (
                    <label className="service-own-length">
                      <input
                        type="number"
                        min={5}
                        step={5}
                        aria-label={`Own length for ${p.name} (minutes)`}
                        data-testid={`service-own-length-${p.id}`}
                        placeholder={serviceLength}
                        value={offering[p.id]!.own}
                        disabled={disabled}
                        aria-invalid={problem ? true : undefined}
                        onChange={(e) => onChange({ ...offering, [p.id]: { own: e.target.value } })}
                      />
                      min
                    </label>
                  )}
                  {problem && <span className="field-error">{problem}</span>}
                </div>
              );
            })}
          </div>
        </>
      )}
      {problems.practitioners && (
        <span className="field-error" role="alert" data-testid="service-practitioners-error">
          {problems.practitioners}
        </span>
      )}
    </fieldset>
  );
}
