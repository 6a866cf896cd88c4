import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, URL-safe. Used for invite links and API tokens alike. */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * Secrets are stored only as this hash. A fast hash is enough: the input has 256 bits of
 * entropy, so there is nothing for a slow hash to protect against.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares two values in time that depends on neither: their digests, with timingSafeEqual. */
export function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** A Standard Webhooks signing secret: `whsec_` and 256 random bits in base64. */
export function newWebhookSecret(): string {
  return 'whsec_' + randomBytes(32).toString('base64');
}
