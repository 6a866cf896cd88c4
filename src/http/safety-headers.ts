/**
 * Answers may carry secrets (invite links, tokens): not stored unless a route says otherwise
 * (the web assets), never framed, never sniffed, and no Referer leaks a URL with a token.
 * Every answer has them, the ones written before routing (client-errors.ts) included.
 */
export const SAFETY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;
