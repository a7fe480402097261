import { STAFF_ROLES, TENANT_WIDE_ROLES, type StaffRole } from '@frontdesk/shared';

export const ROLE_WORDS: Record<StaffRole, string> = {
  RECEPTIONIST: 'Receptionist',
  CALL_CENTRE: 'Call centre',
  BRANCH_MANAGER: 'Branch manager',
  ADMIN: 'Admin',
};

/** The roles someone of `role` may give: an admin any, a branch manager receptionists only. */
export function rolesGivenBy(role: StaffRole): StaffRole[] {
  return role === 'ADMIN' ? [...STAFF_ROLES] : ['RECEPTIONIST'];
}

/** Call centre and admins work in every branch; the others at the branches chosen. */
export function worksEverywhere(role: StaffRole): boolean {
  return TENANT_WIDE_ROLES.has(role);
}
