/**
 * The org's branding on a public page, as the server wrote it into the page (src/http/routes/web.ts):
 * the org's name (the expired page says it), the product name, the accent and the continue URL.
 * The logo and the title are in the HTML already; the accent is set here, through the CSSOM,
 * which the page's policy (no inline style) allows.
 */
import type { PageBrand } from '../contract/branding.js';
import { DEFAULT_ACCENT, inkOn } from '../contract/colors.js';

const data = document.querySelector('meta[name="gatehouse-brand"]')?.getAttribute('content');
export const brand: PageBrand | null = data ? (JSON.parse(data) as PageBrand) : null;

if (brand?.accentColor && brand.accentColor !== DEFAULT_ACCENT) {
  document.documentElement.style.setProperty('--accent', brand.accentColor);
  document.documentElement.style.setProperty('--accent-ink', inkOn(brand.accentColor));
}

/** The name the page's title ends with: the product's, else Gatehouse's. */
export const productName = brand?.productName ?? 'Gatehouse';
