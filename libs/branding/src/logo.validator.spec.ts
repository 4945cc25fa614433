import fc from 'fast-check';
import { DomainError } from '@platform/errors';
import type { BrandingInput } from './branding.types.js';
import { logoOffences, MAX_LISTED_OFFENCES, MAX_LOGO_BYTES, svgOffences, validateLogo } from './logo.validator.js';

type Logo = NonNullable<BrandingInput['logo']>;

const SVG_NS = 'xmlns="http://www.w3.org/2000/svg"';
const XLINK_NS = 'xmlns:xlink="http://www.w3.org/1999/xlink"';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// A real 1x1 PNG: signature, IHDR, IDAT, IEND.
const ONE_PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

function anSvgLogo(svg: string): Logo {
  return { contentType: 'image/svg+xml', base64: Buffer.from(svg, 'utf8').toString('base64') };
}

function aPngLogo(bytes: Buffer): Logo {
  return { contentType: 'image/png', base64: bytes.toString('base64') };
}

/** A PNG header (signature + IHDR chunk start) padded with zeros to `size` bytes. */
function pngBytesOfSize(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  Buffer.from([...PNG_SIGNATURE, 0x00, 0x00, 0x00, 0x0d]).copy(bytes, 0);
  bytes.write('IHDR', 12, 'latin1');
  return bytes;
}

function svgIn(body: string, rootAttributes = ''): string {
  return `<svg ${SVG_NS} ${XLINK_NS} viewBox="0 0 10 10"${rootAttributes}>${body}</svg>`;
}

function refusalOf(logo: Logo): DomainError {
  try {
    validateLogo(logo);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the logo to be refused');
}

function offencesOf(logo: Logo): string[] {
  const { details } = refusalOf(logo);
  return (details as { offences: string[] }).offences;
}

const CLEAN_SVG = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Acme logo, exported by hand -->
<svg ${SVG_NS} ${XLINK_NS} viewBox="0 0 100 40" width="100" height="40">
  <title>Acme</title>
  <desc>The Acme wordmark</desc>
  <defs>
    <linearGradient id="ok" x1="0" x2="1">
      <stop offset="0" stop-color="#123456"/>
      <stop offset="1" stop-color="#abcdef" stop-opacity="0.5"/>
    </linearGradient>
    <clipPath id="clip"><rect width="100" height="40" rx="4"/></clipPath>
    <filter id="soft"><feGaussianBlur stdDeviation="1"/></filter>
    <symbol id="dot"><circle cx="2" cy="2" r="2"/></symbol>
  </defs>
  <g clip-path="url(#clip)" filter="url( #soft )">
    <rect width="100" height="40" fill="url(#ok)" style="stroke:url('#ok'); stroke-width: 2"/>
    <path d="M0 0 L10 10 Z" fill="none" stroke="currentColor"/>
    <use href="#dot" x="90" y="5"/>
    <use xlink:href=" #dot" x="94" y="5"/>
    <text x="10" y="25" font-family="sans-serif">Acme &amp; Co</text>
  </g>
</svg>
`;

describe(validateLogo.name, () => {
  describe('accepts', () => {
    it('a drawing-only SVG with local url(#id) paint, local href and an XML declaration', () => {
      expect(logoOffences(anSvgLogo(CLEAN_SVG))).toEqual([]);
      expect(() => validateLogo(anSvgLogo(CLEAN_SVG))).not.toThrow();
    });

    it('fill="url(#ok)" on its own', () => {
      expect(svgOffences(svgIn('<rect width="1" height="1" fill="url(#ok)"/>'))).toEqual([]);
    });

    it('a PNG with a good signature and IHDR chunk', () => {
      expect(logoOffences({ contentType: 'image/png', base64: ONE_PIXEL_PNG })).toEqual([]);
    });

    it('a logo of exactly 256 KiB', () => {
      expect(logoOffences(aPngLogo(pngBytesOfSize(MAX_LOGO_BYTES)))).toEqual([]);
    });
  });

  describe('refuses with DomainError InvalidBranding', () => {
    it('names the field and lists the offences in the details', () => {
      const sut = refusalOf(anSvgLogo(svgIn('<script>alert(1)</script>')));
      expect(sut.code).toBe('InvalidBranding');
      expect(sut.details).toEqual({
        field: 'branding.logo',
        offences: [expect.stringContaining('<script>')],
      });
    });
  });

  describe('refuses SVG elements that can run code, fetch, embed or style', () => {
    it.each([
      ['<script>', '<script>alert(document.cookie)</script>', 'script'],
      ['<script> with an upper-case name', '<SCRIPT>alert(1)</SCRIPT>', 'SCRIPT'],
      ['a namespaced <h:script>', '<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>', 'h:script'],
      ['a nested <script>', '<g><g><script>alert(1)</script></g></g>', 'script'],
      [
        '<foreignObject>',
        '<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></div></foreignObject>',
        'foreignObject',
      ],
      ['<image href="http://...">', '<image href="http://evil.example/track.png" width="1" height="1"/>', 'image'],
      ['<style> element', '<style>rect { fill: url(http://evil.example/x); }</style>', 'style'],
      ['<a> link', '<a href="#top"><rect width="1" height="1"/></a>', 'a'],
      ['<animate> that rewrites href', '<animate attributeName="href" to="javascript:alert(1)"/>', 'animate'],
      ['<set> that rewrites href', '<set attributeName="href" to="javascript:alert(1)"/>', 'set'],
      ['<feImage>', '<filter id="f"><feImage href="http://evil.example/x.png"/></filter>', 'feImage'],
      ['<iframe>', '<iframe src="http://evil.example/"/>', 'iframe'],
      ['<object>', '<object data="http://evil.example/x.swf"/>', 'object'],
      ['<embed>', '<embed src="http://evil.example/x.swf"/>', 'embed'],
    ])('%s', (_case, body, element) => {
      expect(offencesOf(anSvgLogo(svgIn(body)))).toContain(`svg: element <${element}> is not allowed`);
    });
  });

  describe('refuses event handler attributes', () => {
    it.each([
      ['onload on the root', svgIn('', ' onload="alert(1)"')],
      ['ONCLICK in upper case', svgIn('<rect width="1" height="1" ONCLICK="alert(1)"/>')],
      ['OnMouseOver in mixed case', svgIn('<g OnMouseOver="alert(1)"/>')],
      ['onbegin on a nested element', svgIn('<g><circle r="1" onbegin="alert(1)"/></g>')],
    ])('%s', (_case, svg) => {
      expect(offencesOf(anSvgLogo(svg))).toEqual([expect.stringMatching(/event handlers are not allowed$/)]);
    });
  });

  describe('refuses references outside the document', () => {
    it.each([
      ['<use href="http://evil/x.svg#a">', '<use href="http://evil/x.svg#a"/>'],
      ['<use> with a protocol-relative href', '<use href="//evil/x.svg#a"/>'],
      ['<use> with a relative file href', '<use href="other.svg#a"/>'],
      ['xlink:href="javascript:..."', '<use xlink:href="javascript:alert(1)"/>'],
      ['xlink:href with leading spaces before javascript:', '<use xlink:href="  javascript:alert(1)"/>'],
      ['href to a data: URL', '<use href="data:image/svg+xml;base64,PHN2Zy8+#a"/>'],
      ['<linearGradient> inheriting from another file', '<linearGradient id="g" href="http://evil/x.svg#g"/>'],
      ['<textPath> pointing at another file', '<text><textPath href="http://evil/x.svg#p">hi</textPath></text>'],
      // The xlink namespace can be bound to any prefix; the browser still treats x:href as xlink:href.
      [
        'an href under another prefix bound to the xlink namespace',
        '<use xmlns:x="http://www.w3.org/1999/xlink" x:href="http://evil/x.svg#a"/>',
      ],
    ])('%s', (_case, body) => {
      expect(logoOffences(anSvgLogo(svgIn(body)))).not.toEqual([]);
    });

    it.each([
      ['style="background:url(http://x)"', 'style="background:url(http://x)"'],
      ['quoted url() in style', `style="fill:url('https://evil.example/x.svg#g')"`],
      ['upper-case URL( in a presentation attribute', 'fill="URL(http://evil.example/x.svg#g)"'],
      ['url() with spaces before the address', 'filter="url(   http://evil.example/f.svg#f)"'],
      ['javascript: in a style', 'style="background:javascript:alert(1)"'],
      ['vbscript: in an attribute', 'class="vbscript:msgbox(1)"'],
      ['CSS @import', 'style="@import \'http://evil.example/x.css\'"'],
      ['CSS expression()', 'style="width:expression(alert(1))"'],
    ])('%s', (_case, attribute) => {
      expect(offencesOf(anSvgLogo(svgIn(`<rect width="1" height="1" ${attribute}/>`)))).toHaveLength(1);
    });

    // A browser decodes character references in attribute values, and CSS escapes and image-set()
    // strings in style, before it fetches: the check must not be defeated by spelling.
    it.each([
      ['url() spelled with an XML character reference', 'style="background:u&#114;l(http://evil.example/x)"'],
      ['url() spelled with a CSS escape', 'style="background:u\\72l(http://evil.example/x)"'],
      ['image-set() with a string address', `style="background-image:image-set('http://evil.example/x.png' 1x)"`],
    ])('%s', (_case, attribute) => {
      expect(logoOffences(anSvgLogo(svgIn(`<rect width="1" height="1" ${attribute}/>`)))).not.toEqual([]);
    });
  });

  describe('refuses XML features a browser would act on', () => {
    it('a billion laughs DOCTYPE with ENTITY declarations', () => {
      const laughs = `<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<svg ${SVG_NS}><text>&lol3;</text></svg>`;
      expect(offencesOf(anSvgLogo(laughs))).toEqual(['svg: DOCTYPE and entity declarations are not allowed']);
    });

    it.each([
      [
        'an external entity (XXE)',
        `<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg ${SVG_NS}><text>&x;</text></svg>`,
      ],
      ['a lower-case doctype', `<!doctype svg><svg ${SVG_NS}/>`],
      ['a bare ENTITY declaration', `<!ENTITY x "y"><svg ${SVG_NS}/>`],
    ])('%s', (_case, svg) => {
      expect(offencesOf(anSvgLogo(svg))).toEqual(['svg: DOCTYPE and entity declarations are not allowed']);
    });

    it('an <?xml-stylesheet?> processing instruction before the root', () => {
      const svg = `<?xml version="1.0"?>\n<?xml-stylesheet type="text/css" href="http://evil.example/x.css"?>\n${svgIn('')}`;
      expect(offencesOf(anSvgLogo(svg))).toEqual([expect.stringContaining('processing instruction <?xml-stylesheet>')]);
    });

    it('an <?xml-stylesheet?> processing instruction inside the root', () => {
      const svg = svgIn(
        '<?xml-stylesheet type="text/xsl" href="http://evil.example/x.xsl"?><rect width="1" height="1"/>',
      );
      expect(offencesOf(anSvgLogo(svg))).toEqual([expect.stringContaining('processing instruction <?xml-stylesheet>')]);
    });

    it('a CDATA section inside an element', () => {
      const svg = svgIn('<desc><![CDATA[<script>alert(1)</script>]]></desc>');
      expect(offencesOf(anSvgLogo(svg))).toEqual(['svg: CDATA sections are not allowed']);
    });

    it('a CDATA section before the root', () => {
      expect(logoOffences(anSvgLogo(`<![CDATA[<script>alert(1)</script>]]>${svgIn('')}`))).not.toEqual([]);
    });

    // Served as image/svg+xml without a charset, the browser decodes by the XML declaration. In
    // ISO-2022-JP `ESC ( B` is a silent mode switch, so the browser reads `--ESC(B>` as `-->`: the
    // comment the validator sees closes early and the <script> inside it runs.
    it('an XML declaration naming an encoding other than UTF-8', () => {
      const svg = `<?xml version="1.0" encoding="ISO-2022-JP"?>${svgIn('<!-- --\u001b(B><script>alert(1)</script> -->')}`;
      expect(logoOffences(anSvgLogo(svg))).not.toEqual([]);
    });
  });

  describe('refuses a document that is not a single <svg>', () => {
    it.each([
      ['an <html> root', '<html><body><script>alert(1)</script></body></html>'],
      ['a <g> root', `<g ${SVG_NS}><rect width="1" height="1"/></g>`],
      ['two self-closing <svg> roots', `<svg ${SVG_NS}/><svg ${SVG_NS}/>`],
    ])('%s', (_case, svg) => {
      expect(offencesOf(anSvgLogo(svg))).toEqual(['svg: the document element must be a single <svg>']);
    });

    it.each([
      ['two <svg> roots with content', `${svgIn('<rect width="1" height="1"/>')}${svgIn('<script>alert(1)</script>')}`],
      ['only a comment', '<!-- nothing -->'],
      ['only whitespace', '   \n'],
    ])('%s, whichever check notices first', (_case, svg) => {
      expect(offencesOf(anSvgLogo(svg))).toHaveLength(1);
    });

    it.each([
      ['an unclosed element', `<svg ${SVG_NS}><g></svg>`],
      ['a truncated document', `<svg ${SVG_NS}`],
      ['plain text', 'this is not xml'],
      ['a repeated attribute', `<svg ${SVG_NS} width="1" width="2"/>`],
    ])('malformed XML: %s', (_case, svg) => {
      expect(offencesOf(anSvgLogo(svg))).toEqual([
        expect.stringMatching(/^svg: is not well-formed XML \(.+, line \d+\)$/),
      ]);
    });
  });

  describe('refuses bytes that are not what they claim', () => {
    it.each([
      ['characters outside the alphabet', 'not base64!'],
      ['a length that is not a multiple of 4', 'abc'],
      ['embedded line breaks', 'YWJj\nZGVm'],
      ['a data: URL prefix', `data:image/svg+xml;base64,${Buffer.from(svgIn('')).toString('base64')}`],
      ['padding in the middle', 'YQ==YWJj'],
    ])('invalid base64: %s', (_case, base64) => {
      expect(offencesOf({ contentType: 'image/svg+xml', base64 })).toEqual(['base64: is not valid base64']);
    });

    it('an empty logo', () => {
      expect(offencesOf({ contentType: 'image/png', base64: '' })).toEqual(['logo: is empty']);
    });

    it('a logo one byte over 256 KiB', () => {
      expect(offencesOf(aPngLogo(pngBytesOfSize(MAX_LOGO_BYTES + 1)))).toEqual([
        `logo: is ${MAX_LOGO_BYTES + 1} bytes, the limit is ${MAX_LOGO_BYTES} (256 KiB)`,
      ]);
    });

    it('an SVG over 256 KiB before parsing it', () => {
      const padding = `<!--${'x'.repeat(MAX_LOGO_BYTES)}-->`;
      expect(offencesOf(anSvgLogo(svgIn(padding)))).toEqual([
        expect.stringMatching(/^logo: is \d+ bytes, the limit is 262144/),
      ]);
    });

    it('a JPEG declared as PNG', () => {
      const jpeg = Buffer.from([
        0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
      ]);
      expect(offencesOf(aPngLogo(jpeg))).toEqual(['png: does not start with a PNG signature and IHDR chunk']);
    });

    it('an SVG declared as PNG', () => {
      expect(offencesOf(aPngLogo(Buffer.from(svgIn(''))))).toEqual([
        'png: does not start with a PNG signature and IHDR chunk',
      ]);
    });

    it('a PNG signature without an IHDR chunk', () => {
      const bytes = pngBytesOfSize(64);
      bytes.write('tEXt', 12, 'latin1');
      expect(offencesOf(aPngLogo(bytes))).toEqual(['png: does not start with a PNG signature and IHDR chunk']);
    });

    it('a PNG truncated after its signature', () => {
      expect(offencesOf(aPngLogo(Buffer.from(PNG_SIGNATURE)))).toEqual([
        'png: does not start with a PNG signature and IHDR chunk',
      ]);
    });

    it('a PNG declared as SVG', () => {
      expect(offencesOf({ contentType: 'image/svg+xml', base64: ONE_PIXEL_PNG })).toEqual(['svg: is not valid UTF-8']);
    });
  });

  it('lists every offence of a hostile SVG, each once', () => {
    const svg = svgIn(
      [
        '<script>alert(1)</script>',
        '<foreignObject/>',
        '<rect width="1" height="1" ONCLICK="alert(1)" style="background:url(http://x)"/>',
        '<use xlink:href="javascript:alert(1)"/>',
        '<use href="http://evil/x.svg#a"/>',
        '<use href="http://evil/y.svg#a"/>',
        '<desc><![CDATA[x]]></desc>',
      ].join(''),
      ' onload="alert(1)"',
    );
    expect(offencesOf(anSvgLogo(svg)).sort()).toEqual(
      [
        'svg: <svg onload> event handlers are not allowed',
        'svg: element <script> is not allowed',
        'svg: element <foreignObject> is not allowed',
        'svg: <rect ONCLICK> event handlers are not allowed',
        'svg: <rect style> url() may only reference an element of the logo itself (url(#id))',
        'svg: <use xlink:href> external references are not allowed',
        'svg: <use href> external references are not allowed',
        'svg: CDATA sections are not allowed',
      ].sort(),
    );
  });
});

describe('logo check cost', () => {
  const LOGO_LIMIT_FILLER = MAX_LOGO_BYTES - 200;

  // Time is the attack here: the former regular expressions took minutes on these.
  it.each([
    ['a long run of letters in one attribute value', `fill="${'a'.repeat(LOGO_LIMIT_FILLER)}x(1)"`],
    ['a long run of letters after an opening bracket', `d="(${'a'.repeat(LOGO_LIMIT_FILLER)}x(1)"`],
    ['many spaces before a bracket', `style="${' '.repeat(LOGO_LIMIT_FILLER)}evil(1)"`],
    ['many bare brackets', `d="${'a ('.repeat(LOGO_LIMIT_FILLER / 3)}"`],
  ])('refuses %s of nearly 256 KiB within a second', (_, attribute) => {
    const svg = svgIn(`<path ${attribute}/>`);
    expect(Buffer.byteLength(svg)).toBeLessThanOrEqual(MAX_LOGO_BYTES);
    const started = performance.now();
    expect(offencesOf(anSvgLogo(svg)).length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('accepts a nearly 256 KiB path of letters and numbers within a second', () => {
    const svg = svgIn(`<path d="M0 0${' L1 1'.repeat(LOGO_LIMIT_FILLER / 5)}"/>`);
    const started = performance.now();
    expect(logoOffences(anSvgLogo(svg))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('lists at most MAX_LISTED_OFFENCES offences and says how many more there were', () => {
    const handlers = Array.from({ length: 50 }, (_, i) => `<rect onclick${i}="x"/>`).join('');
    const offences = offencesOf(anSvgLogo(svgIn(handlers)));
    expect(offences).toHaveLength(MAX_LISTED_OFFENCES + 1);
    expect(offences.at(-1)).toBe('svg: 30 more offences');
  });
});

describe('CSS calls found in linear time keep the former rules', () => {
  it.each([
    ['fill="url (#ok)"', []],
    ['fill="url(#ok) rgb(1,2,3)"', []],
    ['transform="translate(1 2) scale( 2 )"', []],
    ['fill="(x) url(http://e)"', ['url() may only reference']],
    ['style="fill:url(#a);mask:image(x)"', ['image() is not allowed']],
    ['style="x:calc(1px+2px)"', ['calc() is not allowed']],
    ['fill="url(#a"', []],
    ['fill="url(javascript"', ['url() may only reference']],
  ])('%s', (attribute, expected) => {
    const offences = logoOffences(anSvgLogo(svgIn(`<rect ${attribute}/>`)));
    expect(offences).toHaveLength(expected.length);
    expected.forEach((part, i) => expect(offences[i]).toContain(part));
  });
});

describe('logo check cost under fuzzing', () => {
  // Attribute values built from the pieces the CSS-call scan looks at around one long run of
  // name characters: the input class that made the former regular expression back-track.
  const piece = fc.constantFrom(
    'a',
    'url',
    'rgb',
    '(',
    ')',
    ' ',
    '\t',
    '#',
    'x',
    "'",
    '-',
    'java',
    'script:',
    '@import',
  );
  const pieces = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(''));
  const value = fc
    .tuple(pieces, fc.constantFrom('a', 'url', 'x-', 'a (', ' '), fc.integer({ min: 1, max: 60_000 }), pieces)
    .map(([before, run, times, after]) => before + run.repeat(times).slice(0, 60_000) + after);

  it('answers any attribute value within a bounded time and never throws', () => {
    fc.assert(
      fc.property(value, fc.constantFrom('d', 'fill', 'style', 'href'), (attributeValue, attribute) => {
        const started = performance.now();
        const offences = svgOffences(svgIn(`<path ${attribute}="${attributeValue}"/>`));
        expect(Array.isArray(offences)).toBe(true);
        expect(performance.now() - started).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });
});
