import { randomBytes } from 'node:crypto';

/** A new id in ObjectId form: 4 bytes of seconds since the epoch, then 8 random bytes. */
export function newId(now = Date.now()): string {
  const time = Math.floor(now / 1000).toString(16).padStart(8, '0');
  return time + randomBytes(8).toString('hex');
}

/** Ids arrive in either case (the upstream pattern allows A-F) and are stored lower-case. */
export const normId = (id: string): string => id.toLowerCase();
