import type { StaffRole } from '@frontdesk/shared';
import { forbidden } from '../errors.js';

/** Who is acting: put into the tRPC context once, passed to every service call. */
export interface Actor {
  staffId: string;
  tenantId: string;
  role: StaffRole;
  name: string;
  /** Branches this staff member may act in (all of the tenant's for tenant-wide roles). */
  branchIds: readonly string[];
  sessionId: string;
  desk: string;
  /** Signed in with a temporary password: nothing but the session's own procedures until a new one is chosen. */
  mustChangePassword: boolean;
}

export function mayActIn(actor: Actor, branchId: string): boolean {
  return actor.branchIds.includes(branchId);
}

/** Refuses a branch the actor does not belong to. */
export function assertBranch(actor: Actor, branchId: string): void {
  if (!mayActIn(actor, branchId)) throw forbidden('That branch is not one of yours.');
}
