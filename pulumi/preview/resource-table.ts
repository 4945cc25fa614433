import type { RecordedRun, RecordedResource } from '../testing/recording-mocks.js';

interface KubernetesMetadata {
  name?: string;
  namespace?: string;
}

/** The one detail a reviewer wants per resource: what it will be called, and where it points. */
function detailOf(resource: RecordedResource): string {
  const inputs = resource.inputs;
  const metadata = inputs.metadata as KubernetesMetadata | undefined;
  if (metadata?.name) return metadata.namespace ? `${metadata.namespace}/${metadata.name}` : metadata.name;
  switch (resource.type) {
    case 'gcp:dns/recordSet:RecordSet':
      return `${String(inputs.name)} ${String(inputs.type)} ${(inputs.rrdatas as unknown[]).join(' ')}`;
    case 'gcp:storage/bucketObject:BucketObject':
      return `${String(inputs.name)} (${String(inputs.contentType)})`;
    case 'gcp:compute/backendBucket:BackendBucket':
      return `${String(inputs.name)} (CDN ${inputs.enableCdn ? 'on' : 'off'})`;
    case 'gcp:storage/bucketIAMMember:BucketIAMMember':
      return `${String(inputs.member)} ${String(inputs.role)}`;
    case 'pulumi:pulumi:StackReference':
      return String(inputs.name);
    default:
      return typeof inputs.name === 'string' ? inputs.name : '';
  }
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function formatOutput(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A plain-text table of what a stack would create, grouped by component (names share the component's prefix). */
export function renderPreview(title: string, run: RecordedRun): string {
  const resources = [...run.resources].sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
  const rows = resources.map((resource, index) => [
    String(index + 1),
    resource.type,
    resource.name,
    detailOf(resource),
  ]);
  const outputs = Object.entries(run.outputs).map(([key, value]) => [key, formatOutput(value)]);
  return [
    `${title}: ${resources.length} resources`,
    table([['#', 'type', 'name', 'details'], ...rows]),
    '',
    'outputs',
    table(outputs.length > 0 ? outputs : [['(none)', '']]),
    '',
  ].join('\n');
}
