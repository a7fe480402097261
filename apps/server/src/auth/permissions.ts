// The permission table is shared with the desk, which hides what a role cannot use.
export { PERMISSIONS, ROLE_PERMISSIONS, TENANT_WIDE_ROLES, roleMay, type Permission } from '@frontdesk/shared';
