import { DomainError } from '@platform/errors';
import type { UsageRange } from './usage.repository.js';
import { DEFAULT_PERIODS, MAX_USAGE_PERIODS, USAGE_GRANULARITIES, type UsageQuery } from './usage.schemas.js';

/**
 * Whole UTC periods covering [from, to): `from` rounds down and `to` up to the granularity. Without
 * `to` the range ends with the current period; without `from` it holds the default number of periods.
 */
export function usageRangeOf(query: UsageQuery, nowMs = Date.now()): UsageRange {
  const periodSeconds = USAGE_GRANULARITIES[query.granularity];
  const periodMs = periodSeconds * 1_000;
  const toMs = Math.ceil((query.to?.getTime() ?? nowMs + 1) / periodMs) * periodMs;
  const fromMs =
    Math.floor((query.from?.getTime() ?? toMs - DEFAULT_PERIODS[query.granularity] * periodMs) / periodMs) * periodMs;
  if (fromMs >= toMs) {
    throw new DomainError('ValidationFailed', 'from must be before to', { from: query.from, to: query.to });
  }
  const periods = (toMs - fromMs) / periodMs;
  const maxPeriods = MAX_USAGE_PERIODS[query.granularity];
  if (periods > maxPeriods) {
    throw new DomainError(
      'ValidationFailed',
      `At most ${maxPeriods} ${query.granularity}s per request: narrow from/to or use day granularity`,
      { periods, maxPeriods, granularity: query.granularity },
    );
  }
  return { from: new Date(fromMs), to: new Date(toMs), periodSeconds };
}
