/** Relative luminance of `#rrggbb` (WCAG 2). */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/**
 * The text colour for a button of colour `accent`: black or white, whichever contrasts more,
 * so an admin's light brand colour (a yellow) still gives readable buttons, in mail and pages.
 */
export function inkOn(accent: string): '#000000' | '#ffffff' {
  const l = luminance(accent);
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

/** Gatehouse's own accent, the pages' and the mail's without branding. */
export const DEFAULT_ACCENT = '#0b57d0';
