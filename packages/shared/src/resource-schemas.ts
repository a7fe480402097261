import { z } from 'zod';
import { RESOURCE_KINDS, type ResourceKind } from './dto.js';
import { resolutionsInput } from './schedule-schemas.js';
import { id } from './schemas.js';

// Inputs and views of the resources setup: practitioners, rooms, chairs and
// devices; their skills (tags), branches, colour and whether they are active.

/**
 * Day-grid colours: distinct from each other and dark enough to read as a
 * dot or a border on white (contrast ≥ 3:1). A new resource gets the one
 * the active resources use least.
 */
export const RESOURCE_COLOURS = ['#2f6fdd', '#2e9d61', '#c8443a', '#8e44ad', '#b86e00', '#00838f', '#c2185b', '#5d6d1e', '#3949ab', '#8d5524'] as const;

export const resourceColour = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'A colour is written like #2f6fdd.')
  .transform((c) => c.toLowerCase());

const resourceName = z.string().trim().min(1, 'Give it a name.').max(100, 'A name has at most 100 characters.');

/** Skills and features, matched against what services need (e.g. "dentist", "dental"); stored lower-case, each once. */
export const resourceTags = z
  .array(z.string().trim().toLowerCase().min(1, 'A tag cannot be empty.').max(40, 'A tag has at most 40 characters.'))
  .max(20, 'At most 20 tags.')
  .transform((tags) => [...new Set(tags)]);

const branchIds = z
  .array(id)
  .min(1, 'Pick at least one branch (deactivate it to take it out of use).')
  .max(50)
  .transform((ids) => [...new Set(ids)]);

export const resourceCreateInput = z.object({
  kind: z.enum(RESOURCE_KINDS, { message: 'Pick what it is: practitioner, room, chair or device.' }),
  name: resourceName,
  tags: resourceTags.default([]),
  branchIds,
  /** Omitted: a colour from RESOURCE_COLOURS that no active resource uses yet. */
  colour: resourceColour.optional(),
});

export const resourceUpdateInput = z.object({
  resourceId: id,
  name: resourceName,
  tags: resourceTags,
  colour: resourceColour,
});

export const resourceSetBranchesInput = z.object({
  resourceId: id,
  branchIds,
  resolutions: resolutionsInput,
});

export const resourceSetActiveInput = z.object({
  resourceId: id,
  /** false: no longer offered for booking, no column on the day grid (its future appointments are settled first). */
  active: z.boolean(),
  resolutions: resolutionsInput,
});

export type ResourceCreateInput = z.input<typeof resourceCreateInput>;
export type ResourceUpdateInput = z.input<typeof resourceUpdateInput>;
export type ResourceSetBranchesInput = z.input<typeof resourceSetBranchesInput>;
export type ResourceSetActiveInput = z.input<typeof resourceSetActiveInput>;

/** A resource as the setup screen shows it: every kind, active or not. */
export interface ResourceSetupView {
  id: string;
  kind: ResourceKind;
  name: string;
  tags: string[];
  colour: string;
  active: boolean;
  branchIds: string[];
}

/** The palette colour `used` has least (the first such in palette order): an unused one while there is one. */
export function nextResourceColour(used: readonly string[]): string {
  const count = new Map<string, number>(RESOURCE_COLOURS.map((c) => [c, 0]));
  for (const c of used) {
    const key = c.toLowerCase();
    if (count.has(key)) count.set(key, count.get(key)! + 1);
  }
  const fewest = Math.min(...count.values());
  return RESOURCE_COLOURS.find((c) => count.get(c) === fewest)!;
}
