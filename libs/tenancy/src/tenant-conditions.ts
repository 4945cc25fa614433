export const CONDITION_TYPES = ['Provisioned', 'DnsReady', 'WorkloadsReady', 'Ready'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface TenantCondition {
  type: ConditionType;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export type ConditionUpdate = Omit<TenantCondition, 'lastTransitionTime'>;

/** Kubernetes-style: lastTransitionTime moves only when the status itself changes. */
export function applyConditions(
  current: readonly TenantCondition[],
  updates: ConditionUpdate[],
  now: Date,
): TenantCondition[] {
  const byType = new Map(current.map((condition) => [condition.type, condition]));
  for (const update of updates) {
    const previous = byType.get(update.type);
    const lastTransitionTime =
      previous && previous.status === update.status ? previous.lastTransitionTime : now.toISOString();
    byType.set(update.type, { ...update, lastTransitionTime });
  }
  return CONDITION_TYPES.flatMap((type) => byType.get(type) ?? []);
}
