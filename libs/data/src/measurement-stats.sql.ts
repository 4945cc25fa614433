export const STATS_GROUP_BYS = ['source', 'metric', 'source,metric'] as const;
export type StatsGroupBy = (typeof STATS_GROUP_BYS)[number];

/**
 * Full hours come from the hourly rollups; the partial hours at either end of the range from the
 * raw rows (a range inside one hour is raw only); `$10`/`$11` narrow both to some sources/metrics. Group columns are not user text: each groupBy
 * has its own fixed statement, picked from this table.
 */
function statsSql(columns: string): string {
  const select = columns ? `, ${columns}` : '';
  return `
WITH parts AS (
  SELECT source, metric, hour AS t, count, sum, min, max FROM measurement_hours
   WHERE $1::boolean AND ($2::timestamptz IS NULL OR hour >= $2) AND ($3::timestamptz IS NULL OR hour < $3)
     AND ($10::text[] IS NULL OR source = ANY($10)) AND ($11::text[] IS NULL OR metric = ANY($11))
  UNION ALL
  SELECT source, metric, ts, 1, value, value, value FROM measurements
   WHERE ((ts >= $4::timestamptz AND ts < $5::timestamptz) OR (ts >= $6::timestamptz AND ts < $7::timestamptz))
     AND ($10::text[] IS NULL OR source = ANY($10)) AND ($11::text[] IS NULL OR metric = ANY($11))
)
SELECT date_trunc($8::text, t, 'UTC') AS bucket${select},
       sum(count)::text AS count, sum(sum) AS sum, min(min) AS min, max(max) AS max
  FROM parts
 GROUP BY 1${select}
 ORDER BY 1${select}
 LIMIT $9`;
}

export const STATS_SQL: Record<StatsGroupBy, string> = {
  source: statsSql('source'),
  metric: statsSql('metric'),
  'source,metric': statsSql('source, metric'),
};
