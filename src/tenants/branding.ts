import type { TenantDoc } from './tenant.model.js';

/** Logos are small: the sign-in pages show them at 2.5 rem. */
export const LOGO_MAX_BYTES = 256 * 1024;

/** Raster formats only: an SVG is a document that can carry script, served from our origin. */
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type LogoType = (typeof LOGO_TYPES)[number];

/** WCAG 2.x AA for normal text: the accent is a button background under white text. */
export const MIN_CONTRAST_WITH_WHITE = 4.5;

export const HEX_COLOR = /^#[0-9a-f]{6}$/i;

/** What the bytes are, from their magic numbers, whatever the uploader declared. */
export function detectImageType(data: Buffer): LogoType | undefined {
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data.length > 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return undefined;
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** WCAG contrast ratio of white text on this `#rrggbb` background. */
export function contrastWithWhite(hex: string): number {
  return 1.05 / (luminance(hex) + 0.05);
}

/** The colour 15 % darker, for the hover state. */
function darker(hex: string): string {
  const channel = (i: number) => Math.round(parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) * 0.85).toString(16).padStart(2, '0');
  return `#${channel(0)}${channel(1)}${channel(2)}`;
}

export function logoPath(slug: string): string {
  return `/t/${slug}/branding/logo`;
}

export interface Brand {
  accent?: { color: string; hover: string };
  /** Root-relative, with the image's hash: a new logo is a new URL, so caches never show the old one. */
  logoUrl?: string;
}

/** What the pages' layout shows of the tenant's branding. The colour is checked again: it goes into CSS. */
export function brandOf(tenant: Pick<TenantDoc, 'slug' | 'settings'>): Brand {
  const color = tenant.settings.primaryColor;
  const logo = tenant.settings.logo;
  return {
    ...(color && HEX_COLOR.test(color) ? { accent: { color: color.toLowerCase(), hover: darker(color) } } : {}),
    ...(logo ? { logoUrl: `${logoPath(tenant.slug)}?v=${logo.sha256}` } : {}),
  };
}
