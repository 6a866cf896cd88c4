import type { InviteRecord } from './records.js';

/** An invite is expired once its lifetime has passed; it stays pending (and resendable) until ended. */
export const isExpired = (invite: Pick<InviteRecord, 'expiresAt'>, now: Date) => now.getTime() > Date.parse(invite.expiresAt);
