export type LogoContentType = 'image/svg+xml' | 'image/png';

/** Branding as an operator sends it; validated at the HTTP boundary, then trusted. */
export interface BrandingInput {
  primaryColor: string;
  accentColor?: string;
  logo?: { contentType: LogoContentType; base64: string };
}

/** A file of a tenant's branding, named by its content so a name never changes meaning. */
export interface Asset {
  name: string;
  contentType: string;
  body: Buffer;
}
