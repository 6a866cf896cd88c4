import { type Action, OPERATIONS, type OperationId } from './operations.js';

/**
 * Which token scopes may call which action, derived from the operation table: a read is open
 * to the instance's and the user's full and read-only scopes, a write to their full ones, and
 * both to `<resource>.*` and the action's own scope (upstream's names, as in CONTRACT.md). The
 * auth hook checks a token against this table and nothing else.
 */
const ownScopes = (id: string, access: string, side?: string) => {
  if (side === 'user') return [...(access === 'read' ? ['all.User', 'all.User.read'] : ['all.User']), 'me.*', id];
  const whole = side === 'org' ? 'all.Organization' : 'all.Instance';
  const broad = access === 'read' ? [whole, `${whole}.read`, 'all.User', 'all.User.read'] : [whole, 'all.User'];
  return [...broad, `${id.split('.')[0]}.*`, id];
};
export const ACTION_SCOPES = Object.fromEntries(
  Object.entries(OPERATIONS).flatMap(([id, spec]) => {
    if (spec.access !== 'read' && spec.access !== 'write') return [];
    const side = 'side' in spec ? spec.side : undefined;
    const also = 'alsoScopesOf' in spec ? ownScopes(spec.alsoScopesOf, spec.access, side) : [];
    return [[id, [...new Set([...ownScopes(id, spec.access, side), ...also])]]];
  }),
) as unknown as Record<Action, readonly string[]>;

export type { Action };

/** Whether an operation id is an action of the scope table. */
export const isAction = (id: OperationId | string): id is Action => id in ACTION_SCOPES;

/** Every scope a token may be created with. */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set(Object.values(ACTION_SCOPES).flat());

/** Scopes that grant the rights of the token's user rather than of the instance. */
export const USER_SCOPES: ReadonlySet<string> = new Set(['all.User', 'all.User.read']);

/** Reads are the actions a `*.read` scope opens; everything else changes data. */
export function isReadAction(action: Action): boolean {
  return OPERATIONS[action].access === 'read';
}

export function scopeAllows(scopes: readonly string[], action: Action): boolean {
  return scopes.some((s) => ACTION_SCOPES[action].includes(s));
}

/** The actions one scope opens, before any user's role. */
export function actionsOfScope(scope: string): Action[] {
  return (Object.keys(ACTION_SCOPES) as Action[]).filter((a) => ACTION_SCOPES[a].includes(scope));
}

/**
 * The scopes a token whose actions are `actions` may put on a token it creates through the
 * API: those that open nothing beyond them (no escalation), less the user scopes (the CLI's).
 */
export function grantableScopes(actions: readonly string[]): string[] {
  const may = new Set(actions);
  return [...KNOWN_SCOPES].filter((s) => !USER_SCOPES.has(s) && actionsOfScope(s).every((a) => may.has(a))).sort();
}
