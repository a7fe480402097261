import { useState, type FormEvent } from 'react';
import { RESOURCE_COLOURS, RESOURCE_KINDS, resourceCreateInput, resourceUpdateInput, type BranchSetupView, type ResourceKind, type ResourceSetupView } from '@frontdesk/shared';
import { ErrorLine } from '../../../components/ErrorLine.js';
import { FormField } from '../../../components/FormField.js';
import { formRefusal } from '../../../lib/form-errors.js';
import { problemsWith } from '../../../lib/validate.js';
import type { ResourceCommands } from './use-resource-commands.js';

type FieldName = 'kind' | 'name' | 'tags' | 'colour' | 'branchIds';
const FIELDS: readonly string[] = ['kind', 'name', 'tags', 'colour', 'branchIds'];

export const KIND_WORDS: Record<ResourceKind, string> = { PRACTITIONER: 'Practitioner', ROOM: 'Room', CHAIR: 'Chair', DEVICE: 'Device' };

const TAG_HINTS: Record<ResourceKind, string> = {
  PRACTITIONER: 'What they do, matched against what services need, e.g. gp, dentist, physio.',
  ROOM: 'What it is for, e.g. consult, physio.',
  CHAIR: 'What it is for, e.g. dental.',
  DEVICE: 'What it does, e.g. x-ray, ultrasound.',
};

const tagsOf = (text: string) => text.split(',').map((t) => t.trim()).filter(Boolean);

/** Which field a zod path names: "tags.2" is the tags field. */
const fieldOf = (path: string): FieldName | null => {
  const head = path.split('.')[0] ?? '';
  return FIELDS.includes(head) ? (head as FieldName) : null;
};

/**
 * A new resource, or the edit of one: kind, name, tags, its colour on the day
 * grid, its branches. Leaving a branch where it has appointments shows them to
 * settle first.
 */
export function ResourceForm({
  editing,
  branches,
  defaultBranchId,
  commands,
  onSaved,
  onCancel,
}: {
  editing: ResourceSetupView | null;
  branches: BranchSetupView[];
  defaultBranchId: string;
  commands: ResourceCommands;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [kind, setKind] = useState<ResourceKind>(editing?.kind ?? 'PRACTITIONER');
  const [name, setName] = useState(editing?.name ?? '');
  const [tags, setTags] = useState(editing?.tags.join(', ') ?? '');
  // '' on a new resource: the server picks a colour no active resource uses yet.
  const [colour, setColour] = useState(editing?.colour ?? '');
  const [branchIds, setBranchIds] = useState<string[]>(editing ? editing.branchIds : [defaultBranchId]);
  const [problems, setProblems] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const pending = commands.create.isPending || commands.update.isPending || commands.setBranches.isPending;

  const show = (found: Record<string, string> | null) => {
    const out: Partial<Record<FieldName, string>> = {};
    for (const [path, message] of Object.entries(found ?? {})) {
      const f = fieldOf(path);
      if (f) out[f] ??= message;
    }
    setProblems(out);
    return Object.keys(out).length > 0;
  };

  const refused = (error: unknown) => {
    const refusal = formRefusal(error);
    const f = refusal.field ? fieldOf(refusal.field) : null;
    if (f) setProblems({ [f]: refusal.message });
    else setFormError(refusal.message);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const tagList = tagsOf(tags);
    if (!editing) {
      const input = { kind, name, tags: tagList, branchIds, ...(colour ? { colour } : {}) };
      if (show(problemsWith(resourceCreateInput, input))) return;
      commands.create.mutate(input, { onSuccess: onSaved, onError: refused });
      return;
    }
    const details = { resourceId: editing.id, name, tags: tagList, colour: colour || editing.colour };
    const found = { ...(problemsWith(resourceUpdateInput, details) ?? {}), ...(branchIds.length === 0 ? { branchIds: 'Pick at least one branch (deactivate it to take it out of use).' } : {}) };
    if (show(found)) return;
    const branchesChanged = branchIds.length !== editing.branchIds.length || branchIds.some((b) => !editing.branchIds.includes(b));
    commands.update.mutate(details, {
      onSuccess: () => {
        if (!branchesChanged) return onSaved();
        commands.setBranches.mutate({ resourceId: editing.id, branchIds }, { onSuccess: onSaved, onError: refused });
      },
      onError: refused,
    });
  };

  const toggleBranch = (id: string, on: boolean) => {
    setBranchIds((ids) => (on ? [...ids, id] : ids.filter((b) => b !== id)));
    setProblems((p) => ({ ...p, branchIds: undefined }));
  };

  return (
    <form className="setup-card resource-form" onSubmit={submit} noValidate data-testid="resource-form" aria-label={editing ? `Edit ${editing.name}` : 'New resource'}>
      <h3>{editing ? `Edit ${editing.name}` : 'New resource'}</h3>
      <div className="setup-grid2">
        <FormField label="Kind" error={problems.kind} testId="resource-kind" hint={editing ? 'The kind stays as it is.' : undefined}>
          {(props) => (
            <select {...props} data-testid="resource-kind" value={kind} disabled={Boolean(editing)} onChange={(e) => setKind(e.target.value as ResourceKind)}>
              {RESOURCE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_WORDS[k]}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField label="Name" error={problems.name} testId="resource-name">
          {(props) => (
            <input
              {...props}
              data-testid="resource-name"
              autoFocus
              placeholder={kind === 'PRACTITIONER' ? 'e.g. Dr Mei Tan' : 'e.g. Consult room 3'}
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                setProblems((p) => ({ ...p, name: undefined }));
              }}
            />
          )}
        </FormField>
      </div>
      <FormField label="Tags" error={problems.tags} testId="resource-tags" hint={`${TAG_HINTS[kind]} Separate them with commas.`}>
        {(props) => <input {...props} data-testid="resource-tags" value={tags} onChange={(e) => setTags(e.target.value)} />}
      </FormField>
      <fieldset className="resource-colours" aria-describedby="resource-colour-note">
        <legend>Colour on the day grid</legend>
        {!editing && (
          <label className="swatch-choice auto">
            <input type="radio" name="resource-colour" data-testid="resource-colour-auto" checked={colour === ''} onChange={() => setColour('')} />
            Pick one for me
          </label>
        )}
        {RESOURCE_COLOURS.map((c) => (
          <label key={c} className="swatch-choice" title={c}>
            <input type="radio" name="resource-colour" aria-label={`Colour ${c}`} data-testid={`resource-colour-${c.slice(1)}`} checked={colour === c} onChange={() => setColour(c)} />
            <span className="swatch" style={{ background: c }} aria-hidden="true" />
          </label>
        ))}
        <label className="swatch-choice custom">
          <span className="small">Other</span>
          <input type="color" aria-label="Another colour" data-testid="resource-colour-custom" value={colour || '#2f6fdd'} onChange={(e) => setColour(e.target.value)} />
        </label>
        {problems.colour && (
          <span className="field-error" role="alert" id="resource-colour-note">
            {problems.colour}
          </span>
        )}
      </fieldset>
      <fieldset className="resource-branches" aria-describedby="resource-branches-note">
        <legend>Works at</legend>
        {branches.map((b) => (
          <label key={b.id} className="check">
            <input type="checkbox" data-testid={`resource-branch-${b.id}`} checked={branchIds.includes(b.id)} onChange={(e) => toggleBranch(b.id, e.target.checked)} />
            {b.name}
            {!b.active && <span className="muted small"> (closed for booking)</span>}
          </label>
        ))}
        {problems.branchIds ? (
          <span className="field-error" role="alert" id="resource-branches-note" data-testid="resource-branchIds-error">
            {problems.branchIds}
          </span>
        ) : (
          <span className="field-hint" id="resource-branches-note">
            {kind === 'PRACTITIONER' ? 'Set their hours at each branch under Working hours.' : 'A room, chair or device starts open whenever its branch is.'}
          </span>
        )}
      </fieldset>
      <ErrorLine message={formError} testId="resource-form-error" />
      <div className="actions">
        <button className="primary setup-inline" disabled={pending} data-testid="resource-save">
          {pending ? 'Saving…' : editing ? 'Save' : `Add ${KIND_WORDS[kind].toLowerCase()}`}
        </button>
        <button type="button" onClick={onCancel} data-testid="resource-cancel">
          Cancel
        </button>
      </div>
    </form>
  );
}
