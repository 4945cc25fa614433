/**
 * Postgres text and jsonb hold neither U+0000 nor lone UTF-16 surrogates (which JSON.parse accepts
 * from `\ud800`); refusing them at validation keeps such input a 400 instead of a failed statement.
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}

/** Every string in a JSON value, keys included, is storable, and no number overflowed to Infinity (1e400). */
export function hasOnlyStorableText(value: unknown): boolean {
  if (typeof value === 'string') return isStorableText(value);
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(hasOnlyStorableText);
  if (value && typeof value === 'object') {
    return Object.entries(value).every(([key, child]) => isStorableText(key) && hasOnlyStorableText(child));
  }
  return true;
}
