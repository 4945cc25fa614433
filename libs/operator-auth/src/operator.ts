import type { OperatorRole } from '@platform/database';

export const OPERATOR_ROLES = ['viewer', 'operator', 'admin'] as const satisfies readonly OperatorRole[];

/** Who is calling the admin API, and the request it is part of (for the audit log). */
export interface Operator {
  id: string;
  name: string;
  role: OperatorRole;
  requestId: string;
}

export function roleAllows(held: OperatorRole, needed: OperatorRole): boolean {
  return OPERATOR_ROLES.indexOf(held) >= OPERATOR_ROLES.indexOf(needed);
}

/** Used for work the platform does on its own (reconciler, provisioner). */
export const SYSTEM_OPERATOR: Operator = { id: 'system', name: 'system', role: 'admin', requestId: 'system' };
