const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const count = new Intl.NumberFormat('en-GB');

export const formatTime = (iso: string) => `${dateTime.format(new Date(iso))} UTC`;
export const formatDay = (iso: string) => day.format(new Date(iso));
export const formatCount = (value: number) => count.format(value);

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function hostnamesOf(tenant: { url: string; domains: string[] }): string[] {
  return [new URL(tenant.url).host, ...tenant.domains];
}

/** A file as base64 (the API takes logos inline). */
export function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read'));
    reader.readAsDataURL(file);
  });
}
