import type { UsageRow } from './api.js';
import { formatCount, formatDay } from './format.js';
import { html } from './html.js';

const SERIES = [
  { key: 'counterValues', label: 'Counter values' },
  { key: 'rowsIngested', label: 'Rows ingested' },
  { key: 'apiRequests', label: 'API requests' },
] as const;

const WIDTH = 300;
const HEIGHT = 80;

/** One small bar chart per figure (SVG, no inline style), with the numbers in a table beside it for screen readers. */
export function UsageChart({ rows }: { rows: UsageRow[] }) {
  const barWidth = WIDTH / Math.max(rows.length, 1);
  return html`
    <div class="charts">
      ${SERIES.map(({ key, label }) => {
        const values = rows.map((row) => row[key]);
        const max = Math.max(...values, 1);
        const total = values.reduce((sum, value) => sum + value, 0);
        return html`
          <figure class="chart" data-series=${key}>
            <figcaption>${label}: <strong>${formatCount(total)}</strong> in ${rows.length} days</figcaption>
            <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${label} per day" preserveAspectRatio="none">
              ${rows.map(
                (row, i) =>
                  html`<rect
                    class="bar"
                    x=${i * barWidth + 1}
                    y=${HEIGHT - (row[key] / max) * HEIGHT}
                    width=${Math.max(barWidth - 2, 1)}
                    height=${(row[key] / max) * HEIGHT}
                  >
                    <title>${formatDay(row.period)}: ${formatCount(row[key])}</title>
                  </rect>`,
              )}
            </svg>
          </figure>
        `;
      })}
    </div>
    <details>
      <summary>Usage as a table</summary>
      <table class="data">
        <thead>
          <tr>
            <th scope="col">Day (UTC)</th>
            ${SERIES.map(({ label }) => html`<th scope="col" class="num">${label}</th>`)}
            <th scope="col" class="num">Stored bytes</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (row) =>
              html`<tr>
                <td>${formatDay(row.period)}</td>
                ${SERIES.map(({ key }) => html`<td class="num">${formatCount(row[key])}</td>`)}
                <td class="num">${formatCount(row.storedBytes)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </details>
  `;
}
