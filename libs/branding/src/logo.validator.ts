import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DomainError } from '@platform/errors';
import type { BrandingInput } from './branding.types.js';

export const MAX_LOGO_BYTES = 256 * 1024;
/** A refusal lists this many offences at most, so its answer stays small whatever the logo holds. */
export const MAX_LISTED_OFFENCES = 20;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// Shapes, paint and text only: anything that can run code, fetch, embed or animate is left out.
const DRAWING_ELEMENTS = new Set([
  'svg',
  'g',
  'defs',
  'symbol',
  'use',
  'title',
  'desc',
  'path',
  'rect',
  'circle',
  'ellipse',
  'line',
  'polyline',
  'polygon',
  'text',
  'tspan',
  'textPath',
  'linearGradient',
  'radialGradient',
  'stop',
  'clipPath',
  'mask',
  'pattern',
  'marker',
  'filter',
  'feGaussianBlur',
  'feOffset',
  'feBlend',
  'feColorMatrix',
  'feFlood',
  'feComposite',
  'feMerge',
  'feMergeNode',
  'metadata',
]);
const LINK_ATTRIBUTES = new Set(['href', 'xlink:href']);
const XLINK_NAMESPACE = 'http://www.w3.org/1999/xlink';
// A prefix can be bound to any namespace, so only these exact prefixed names are let through.
const PREFIXED_ATTRIBUTES = new Set(['xlink:href', 'xlink:title', 'xml:space', 'xml:lang', 'xmlns:xlink']);
const ATTRIBUTE_NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]*$/;
// Colours and transforms; url() is checked on its own and must point inside the document.
const CSS_FUNCTIONS = new Set([
  'url',
  'rgb',
  'rgba',
  'hsl',
  'hsla',
  'translate',
  'translatex',
  'translatey',
  'rotate',
  'scale',
  'matrix',
  'skewx',
  'skewy',
]);
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const ATTR_PREFIX = '@_';

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTR_PREFIX,
  allowBooleanAttributes: true,
  parseAttributeValue: false,
  parseTagValue: false,
  processEntities: false,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
});

/** Refuses a logo that is not what it claims, too big, or an SVG that could do more than draw. */
export function validateLogo(logo: NonNullable<BrandingInput['logo']>): void {
  const offences = logoOffences(logo);
  if (offences.length) {
    throw new DomainError('InvalidBranding', 'The logo was refused', { field: 'branding.logo', offences });
  }
}

export function logoOffences(logo: NonNullable<BrandingInput['logo']>): string[] {
  if (!BASE64.test(logo.base64)) return ['base64: is not valid base64'];
  const bytes = Buffer.from(logo.base64, 'base64');
  if (bytes.length === 0) return ['logo: is empty'];
  if (bytes.length > MAX_LOGO_BYTES)
    return [`logo: is ${bytes.length} bytes, the limit is ${MAX_LOGO_BYTES} (256 KiB)`];
  return logo.contentType === 'image/png' ? pngOffences(bytes) : svgBytesOffences(bytes);
}

function pngOffences(bytes: Buffer): string[] {
  const isPng =
    bytes.length > 16 && bytes.subarray(0, 8).equals(PNG_SIGNATURE) && bytes.toString('latin1', 12, 16) === 'IHDR';
  return isPng ? [] : ['png: does not start with a PNG signature and IHDR chunk'];
}

/** A browser reads the bytes in the encoding the document declares, so only UTF-8 is checked and allowed. */
function svgBytesOffences(bytes: Buffer): string[] {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return ['svg: is not valid UTF-8'];
  }
  return svgOffences(text);
}

export function svgOffences(text: string): string[] {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return ['svg: DOCTYPE and entity declarations are not allowed'];
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text)) return ['svg: control characters are not allowed'];
  const encoding = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']*)["']/i.exec(text)?.[1];
  if (encoding && !/^utf-?8$/i.test(encoding)) return [`svg: encoding "${encoding}" is not allowed, use UTF-8`];
  const wellFormed = XMLValidator.validate(text);
  if (wellFormed !== true) return [`svg: is not well-formed XML (${wellFormed.err.msg}, line ${wellFormed.err.line})`];
  const offences: string[] = [];
  const roots = elementsOf(parser.parse(text) as XmlNode[], offences);
  if (roots.length !== 1 || roots[0]!.name !== 'svg') offences.push('svg: the document element must be a single <svg>');
  else walk(roots[0]!, offences);
  const distinct = [...new Set(offences)];
  if (distinct.length <= MAX_LISTED_OFFENCES) return distinct;
  return [...distinct.slice(0, MAX_LISTED_OFFENCES), `svg: ${distinct.length - MAX_LISTED_OFFENCES} more offences`];
}

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}

function elementsOf(nodes: XmlNode[], offences: string[]): Element[] {
  const elements: Element[] = [];
  for (const node of nodes) {
    const name = Object.keys(node).find((key) => key !== ':@')!;
    if (name === '#text' || name === '#comment') continue;
    if (name === '#cdata') {
      offences.push('svg: CDATA sections are not allowed');
      continue;
    }
    if (name.startsWith('?')) {
      if (name !== '?xml') offences.push(`svg: processing instruction <${name}> is not allowed`);
      continue;
    }
    const attributes = Object.fromEntries(
      Object.entries((node[':@'] ?? {}) as Record<string, unknown>).map(([key, value]) => [
        key.slice(ATTR_PREFIX.length),
        String(value),
      ]),
    );
    elements.push({ name, attributes, children: (node[name] ?? []) as XmlNode[] });
  }
  return elements;
}

function walk(element: Element, offences: string[]): void {
  if (!DRAWING_ELEMENTS.has(element.name)) {
    offences.push(`svg: element <${element.name}> is not allowed`);
    return;
  }
  for (const [name, value] of Object.entries(element.attributes)) {
    const offence = attributeOffence(element.name, name, value);
    if (offence) offences.push(offence);
  }
  for (const child of elementsOf(element.children, offences)) walk(child, offences);
}

function attributeOffence(element: string, name: string, value: string): string | undefined {
  const where = `svg: <${element} ${name}>`;
  if (!ATTRIBUTE_NAME.test(name)) return `${where} is not a valid attribute name`;
  if (name.includes(':') && !PREFIXED_ATTRIBUTES.has(name)) return `${where} namespaced attributes are not allowed`;
  if (name === 'xmlns:xlink' && value !== XLINK_NAMESPACE) return `${where} must be the XLink namespace`;
  if (/^on/i.test(name)) return `${where} event handlers are not allowed`;
  if (LINK_ATTRIBUTES.has(name) && !value.trim().startsWith('#')) return `${where} external references are not allowed`;
  if (name === 'xmlns' || name === 'xmlns:xlink') return undefined;
  return valueOffence(where, value);
}

/** Values are read raw (entities unexpanded), so anything a browser would decode into something else is refused. */
function valueOffence(where: string, value: string): string | undefined {
  if (/&(?!(?:amp|lt|gt|quot|apos);)/.test(value)) return `${where} character references are not allowed`;
  if (value.includes('\\')) return `${where} CSS escapes are not allowed`;
  if (/(?:java|vb)script:/i.test(value)) return `${where} script URLs are not allowed`;
  if (/@import|expression\s*\(/i.test(value)) return `${where} CSS imports and expressions are not allowed`;
  for (const call of cssCallsOf(value)) {
    const fn = call.name.toLowerCase();
    if (!CSS_FUNCTIONS.has(fn)) return `${where} ${fn}() is not allowed`;
    if (fn === 'url' && !LOCAL_URL.test(call.argument)) {
      return `${where} url() may only reference an element of the logo itself (url(#id))`;
    }
  }
  return undefined;
}

const LOCAL_URL = /^\s*(['"]?)#[\w.-]+\1\s*$/;

/**
 * Every `name(argument)` in a value, in one pass: the regular expression this replaces
 * (`([a-zA-Z-]+)\s*\(([^)]*)\)?`) re-scanned each run of letters from every position in it, so a long
 * attribute value took time quadratic in its length. Each `(` looks back only as far as the end
 * of the previous call, so every character is visited a bounded number of times.
 */
function* cssCallsOf(value: string): Generator<{ name: string; argument: string }> {
  let searchFrom = 0;
  let callsEnd = 0;
  while (searchFrom < value.length) {
    const open = value.indexOf('(', searchFrom);
    if (open < 0) return;
    let nameEnd = open;
    while (nameEnd > callsEnd && isSpace(value.charCodeAt(nameEnd - 1))) nameEnd--;
    let nameStart = nameEnd;
    while (nameStart > callsEnd && isNameChar(value.charCodeAt(nameStart - 1))) nameStart--;
    searchFrom = open + 1;
    if (nameStart === nameEnd) {
      // A bare "(" was no call; the next call may not reach back past it.
      callsEnd = searchFrom;
      continue;
    }
    const close = value.indexOf(')', open + 1);
    const argumentEnd = close < 0 ? value.length : close;
    yield { name: value.slice(nameStart, nameEnd), argument: value.slice(open + 1, argumentEnd) };
    searchFrom = close < 0 ? value.length : close + 1;
    callsEnd = searchFrom;
  }
}

function isNameChar(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 45;
}

const SPACE = /\s/;

function isSpace(code: number): boolean {
  return SPACE.test(String.fromCharCode(code));
}
