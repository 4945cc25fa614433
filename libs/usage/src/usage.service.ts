import { Injectable } from '@nestjs/common';
import { TenantsService } from '@platform/tenancy';
import { usageRangeOf } from './usage.range.js';
import type { UsagePeriodRow } from './usage.repository.js';
import { UsageRepository } from './usage.repository.js';
import type { TenantUsageRow, UsageQuery, UsageRow } from './usage.schemas.js';

export const USAGE_COLUMNS = ['period', 'counterValues', 'rowsIngested', 'apiRequests', 'storedBytes'] as const;
export const ALL_TENANTS_USAGE_COLUMNS = ['tenant', ...USAGE_COLUMNS] as const;

@Injectable()
export class UsageService {
  constructor(
    private readonly usage: UsageRepository,
    private readonly tenants: TenantsService,
  ) {}

  /** Every period of the range, empty ones as zeros, so a chart or an invoice has no gaps. */
  async forTenant(ref: string, query: UsageQuery): Promise<{ rows: UsageRow[] }> {
    const range = usageRangeOf(query);
    const tenant = await this.tenants.get(ref);
    const rows = await this.usage.tenantPeriods(tenant.id, range);
    return { rows: rows.map(({ tenant: _, ...row }) => usageRowOf(row)) };
  }

  /** Periods in which each tenant used anything, ordered by period and slug. */
  async forAll(query: UsageQuery): Promise<{ rows: TenantUsageRow[] }> {
    const rows = await this.usage.allPeriods(usageRangeOf(query));
    return { rows: rows.map((row) => ({ tenant: row.tenant, ...usageRowOf(row) })) };
  }
}

function usageRowOf(row: Omit<UsagePeriodRow, 'tenant'>): UsageRow {
  return {
    period: row.period.toISOString(),
    counterValues: Number(row.counterValues),
    rowsIngested: Number(row.rowsIngested),
    apiRequests: Number(row.apiRequests),
    storedBytes: Number(row.storedBytes),
  };
}
