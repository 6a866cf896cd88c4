import { Type, type Static } from '@sinclair/typebox';
import { COLOR_PATTERN } from './canonical.js';
import { named } from './common.js';

/** The largest logo accepted, in bytes: a logo in a mail is fetched by every reader. */
export const MAX_LOGO_BYTES = 128 * 1024;
/** Raster formats only: an SVG can carry script and links, and mail clients render it unevenly. */
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export const MAX_CONTINUE_ORIGINS = 20;

const productName = Type.String({ minLength: 1, maxLength: 60, description: 'Shown on the invitation and join pages and in the mail, instead of Gatehouse' });
const accentColor = Type.String({ pattern: COLOR_PATTERN, description: 'The colour of the pages\' and the mail\'s buttons and links, as #rrggbb' });
const continueUrl = Type.String({ minLength: 1, maxLength: 2000, description: 'Where the welcome page sends a new member: http(s), on an origin of the instance\'s continueOrigins' });
const origins = Type.Array(Type.String({ minLength: 1, maxLength: 300 }), {
  maxItems: MAX_CONTINUE_ORIGINS,
  description: 'The origins (scheme, host and port, like https://app.example.com) that continue URLs may point at',
});
const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

/**
 * Gatehouse extension. Changes the fields given; null clears (an org's falls back to its
 * instance's, the instance's to Gatehouse's own). `logo` is the image itself, base64-encoded.
 */
export const BrandingPatch = named('BrandingPatch', Type.Object(
  {
    productName: nullable(productName),
    accentColor: nullable(accentColor),
    continueUrl: nullable(continueUrl),
    continueOrigins: Type.Optional(origins),
    logo: Type.Optional(
      Type.Union([Type.String({ minLength: 1, description: 'A PNG, JPEG, GIF or WebP image of at most 128 KiB, base64-encoded' }), Type.Null()]),
    ),
  },
  { additionalProperties: false },
));
export type BrandingPatch = Static<typeof BrandingPatch>;

/**
 * An instance's or an organization's branding as set (not inherited): absent fields are unset.
 * `effective` is what the pages and the mail use: the org's, else the instance's, else none.
 */
export const Branding = named('Branding', Type.Object({
  instanceId: Type.String(),
  orgId: Type.Optional(Type.String()),
  productName: Type.Optional(Type.String()),
  accentColor: Type.Optional(Type.String()),
  continueUrl: Type.Optional(Type.String()),
  /** The instance's only. */
  continueOrigins: Type.Optional(Type.Array(Type.String())),
  /** Where Gatehouse serves the logo (a path on this server; public, like the pages). */
  logoUrl: Type.Optional(Type.String()),
  lastUpdated: Type.Optional(Type.String({ format: 'date-time' })),
  effective: Type.Object({
    productName: Type.Optional(Type.String()),
    accentColor: Type.Optional(Type.String()),
    continueUrl: Type.Optional(Type.String()),
    logoUrl: Type.Optional(Type.String()),
  }),
}));
export type Branding = Static<typeof Branding>;
export type EffectiveBranding = Branding['effective'];

/** What a public page shows of the org behind its link: its name (the expired pages say it) and its branding. */
export type PageBrand = EffectiveBranding & { orgName: string };
