import { newId } from './ids.js';
import type { UserRecord } from './records.js';
import type { Store } from './store.js';

/**
 * The user with this email, created (without names) if there is none: accepting an invite and
 * adding a member by email both make the person a user on first sight.
 */
export function findOrCreateUser(store: Store, email: string, now: Date): Promise<UserRecord> {
  return store.ensureUser({
    id: newId(now.getTime()),
    email,
    firstName: null,
    lastName: null,
    avatarUrl: null,
    twoFactorAuthEnabled: false,
    ssoLinked: false,
    createdAt: now.toISOString(),
  });
}
