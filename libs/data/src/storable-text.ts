/**
 * Postgres text and jsonb hold neither U+0000 nor lone UTF-16 surrogates (which JSON.parse accepts
 * from `\ud800`); refusing them at validation keeps such input a 400 instead of a failed statement.
 */
const NUL_OR_LONE_SURROGATE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(text: string): boolean {
  return !NUL_OR_LONE_SURROGATE.test(text);
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
