import { useState, type FormEvent } from 'react';
import { RESOURCE_COLOURS, createServiceInput, type CreateServiceInput, type ResourceKind } from '@frontdesk/shared';
import { ErrorLine } from '../../../components/ErrorLine.js';
import { FormField } from '../../../components/FormField.js';
import { formRefusal } from '../../../lib/form-errors.js';
import type { Branch, CatalogResource } from '../../../lib/types.js';
import { problemsWith } from '../../../lib/validate.js';
import { NeedsField, type Need } from './NeedsField.js';
import { PractitionersField, type Offering, type PractitionerChoice } from './PractitionersField.js';
import { PricesField } from './PricesField.js';
import type { ServiceCommands, SetupService } from './use-service-commands.js';
import { draftOf, inputOf, type Draft } from './service-draft.js';

type Problems = Record<string, string | undefined>;

/** Fields a refusal from the server may name, shown beside them; anything else goes above the buttons. */
const FIELDS = new Set(['name', 'durationMin', 'bufferBeforeMin', 'bufferAfterMin', 'requirements', 'practitioners', 'basePriceCents', 'prices', 'colour']);

/**
 * A new service, or the edit of one: name, length, buffers, what it needs,
 * who offers it (with own lengths), prices per branch, colour, and whether
 * it is offered for booking. Slips are named beside their fields before
 * anything is sent; the server's refusals the same way.
 */
export function ServiceForm({
  editing,
  branches,
  resources,
  commands,
  onSaved,
  onCancel,
}: {
  editing: SetupService | null;
  branches: Branch[];
  resources: CatalogResource[];
  commands: ServiceCommands;
  onSaved: (message: string) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(editing));
  const [problems, setProblems] = useState<Problems>({});
  const [formError, setFormError] = useState<string | null>(null);
  const pending = commands.create.isPending || commands.update.isPending || commands.activate.isPending || commands.deactivate.isPending;
  const change = (patch: Partial<Draft>, clears: string[] = Object.keys(patch)) => {
    setDraft((d) => ({ ...d, ...patch }));
    setProblems((p) => ({ ...p, ...Object.fromEntries(clears.map((k) => [k, undefined])) }));
  };

  const tagsOf = (kind: ResourceKind) => [...new Set(resources.filter((r) => r.kind === kind).flatMap((r) => r.tags))].sort();
  const practitionerNeeds = draft.needs.filter((n) => n.kind === 'PRACTITIONER').map((n) => n.tag.trim().toLowerCase());
  const choices: PractitionerChoice[] = [
    ...resources.filter((r) => r.kind === 'PRACTITIONER' && (r.id in draft.offering || practitionerNeeds.some((t) => t === '' || r.tags.includes(t)))).map((r) => ({ id: r.id, name: r.name })),
    ...(editing?.practitioners ?? []).filter((p) => p.resourceId in draft.offering && !resources.some((r) => r.id === p.resourceId)).map((p) => ({ id: p.resourceId, name: p.name, inactive: true })),
  ];

  const refused = (error: unknown) => {
    const refusal = formRefusal(error);
    if (refusal.field && FIELDS.has(refusal.field.split('.')[0]!)) setProblems({ [refusal.field.split('.')[0]!]: refusal.message });
    else setFormError(refusal.message);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const { input, problems: typed } = inputOf(draft, choices.map((c) => c.id));
    const found: Problems = { ...typed, ...(input ? schemaProblems(input) : {}) };
    if (!input || Object.values(found).some(Boolean)) {
      setProblems(found);
      return;
    }
    if (!editing) {
      commands.create.mutate(input, { onSuccess: (r) => onSaved(`${r.service.name} is set up.`), onError: refused });
      return;
    }
    const switched = draft.active !== editing.active;
    const thenActive = () => {
      if (!switched) return onSaved(`${input.name} is saved.`);
      const done = { onSuccess: () => onSaved(draft.active ? `${input.name} is offered again.` : `${input.name} is no longer offered.`), onError: refused };
      if (draft.active) commands.activate.mutate({ serviceId: editing.id }, done);
      else commands.deactivate.mutate({ serviceId: editing.id }, done);
    };
    commands.update.mutate({ serviceId: editing.id, ...input }, { onSuccess: thenActive, onError: refused });
  };

  return (
    <form className="setup-form service-form" onSubmit={submit} noValidate data-testid="service-form">
      <h3 className="wide">{editing ? `Edit ${editing.name}` : 'New service'}</h3>
      <FormField label="Name" error={problems.name} testId="service-name">
        {(props) => <input {...props} data-testid="service-name" autoFocus value={draft.name} disabled={pending} onChange={(e) => change({ name: e.target.value })} />}
      </FormField>
      <fieldset className="service-fieldset" data-testid="service-colour">
        <legend>Colour on the day grid</legend>
        <div className="service-colours">
          <label className="check">
            <input type="radio" name="service-colour" checked={draft.colour === ''} disabled={pending} onChange={() => change({ colour: '' })} />
            None
          </label>
          {RESOURCE_COLOURS.map((c) => (
            <label key={c} className="service-colour-choice" title={c}>
              <input type="radio" name="service-colour" aria-label={`Colour ${c}`} data-testid={`service-colour-${c.slice(1)}`} checked={draft.colour === c} disabled={pending} onChange={() => change({ colour: c })} />
              <span className="swatch" style={{ background: c }} />
            </label>
          ))}
        </div>
        {problems.colour && <span className="field-error">{problems.colour}</span>}
      </fieldset>
      <div className="service-row">
        <FormField label="Length (min)" error={problems.durationMin} testId="service-duration" hint="In steps of 5.">
          {(props) => <input {...props} type="number" min={5} step={5} data-testid="service-duration" value={draft.durationMin} disabled={pending} onChange={(e) => change({ durationMin: e.target.value })} />}
        </FormField>
        <FormField label="Buffer before (min)" error={problems.bufferBeforeMin} testId="service-buffer-before" hint="Set-up time.">
          {(props) => <input {...props} type="number" min={0} data-testid="service-buffer-before" value={draft.bufferBeforeMin} disabled={pending} onChange={(e) => change({ bufferBeforeMin: e.target.value })} />}
        </FormField>
        <FormField label="Buffer after (min)" error={problems.bufferAfterMin} testId="service-buffer-after" hint="Clean-up time.">
          {(props) => <input {...props} type="number" min={0} data-testid="service-buffer-after" value={draft.bufferAfterMin} disabled={pending} onChange={(e) => change({ bufferAfterMin: e.target.value })} />}
        </FormField>
      </div>
      <PricesField
        base={draft.basePrice}
        byBranch={draft.branchPrices}
        branches={branches}
        problems={problems}
        disabled={pending}
        onBase={(basePrice) => change({ basePrice }, ['basePriceCents'])}
        onBranch={(branchId, text) => change({ branchPrices: { ...draft.branchPrices, [branchId]: text } }, [`prices.${branchId}`, 'prices'])}
      />
      <NeedsField needs={draft.needs} tagsOf={tagsOf} problems={problems} disabled={pending} onChange={(needs: Need[]) => change({ needs }, ['requirements', 'practitioners'])} />
      <PractitionersField
        choices={choices}
        offering={draft.offering}
        needsPractitioner={practitionerNeeds.length > 0}
        serviceLength={draft.durationMin}
        problems={problems}
        disabled={pending}
        onChange={(offering: Offering) => change({ offering }, ['practitioners', ...Object.keys(offering).map((id) => `practitioners.${id}`)])}
      />
      {editing && (
        <label className="check wide">
          <input type="checkbox" data-testid="service-active" checked={draft.active} disabled={pending} onChange={(e) => change({ active: e.target.checked })} />
          Offered for booking
        </label>
      )}
      <ErrorLine message={formError} testId="service-form-error" />
      <div className="actions">
        <button className="primary inline" disabled={pending} data-testid="service-save">
          {pending ? 'Saving…' : editing ? 'Save' : 'Create service'}
        </button>
        <button type="button" onClick={onCancel} data-testid="service-cancel">
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The shared schema's slips, with list positions named by practitioner and branch as the fields are. */
function schemaProblems(input: CreateServiceInput): Problems {
  const raw = problemsWith(createServiceInput, input) ?? {};
  const out: Problems = {};
  for (const [path, message] of Object.entries(raw)) {
    const [head, index] = path.split('.');
    if (head === 'practitioners' && index !== undefined && input.practitioners?.[Number(index)]) out[`practitioners.${input.practitioners[Number(index)]!.resourceId}`] = message;
    else if (head === 'prices' && index !== undefined && input.prices?.[Number(index)]) out[`prices.${input.prices[Number(index)]!.branchId}`] = message;
    else if (head === 'requirements' && index !== undefined) out[path.endsWith('.tag') ? path : 'requirements'] = message;
    else out[head!] ??= message;
  }
  return out;
}
