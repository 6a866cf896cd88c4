import { actionsOfScope, KNOWN_SCOPES, USER_SCOPES } from '../contract/scopes.js';
import { API_TOKEN_DEFAULT_PER_PAGE, type ApiToken, type ApiTokenCollection, type ApiTokenListQuery, type ApiTokenPost, type ApiTokenWithSecret } from '../contract/tokens.js';
import { type Actor, audit } from './audit.js';
import type { DomainDeps } from './context.js';
import { AppError, invalid, notFound } from './errors.js';
import { totals } from './lists.js';
import { Operator } from './operator.js';
import type { TokenRecord } from './records.js';
import type { Auth } from './tokens.js';
import { tokenState } from './tokens.js';

export function toApiToken(t: TokenRecord, now: string): ApiToken {
  return {
    id: t.id,
    apiTokenId: t.id,
    instanceId: t.instanceId,
    scope: t.scopes,
    ...(t.userId ? { userId: t.userId } : {}),
    ...(t.orgId ? { orgId: t.orgId } : {}),
    status: tokenState(t, now),
    creationDate: t.createdAt,
    ...(t.expiresAt ? { expirationDate: t.expiresAt } : {}),
    ...(t.revokedAt ? { revokedDate: t.revokedAt } : {}),
  };
}

/**
 * An instance's API tokens through the API. No token makes or revokes one that could do
 * more than it can itself (its scopes, bounded by its user's role) or live longer: without
 * that rule a narrow `instanceApiTokens.post` token would mint `all.Instance`.
 */
export class ApiTokens {
  constructor(private readonly deps: DomainDeps & { auth: Auth }) {}

  async list(instanceId: string, q: ApiTokenListQuery): Promise<ApiTokenCollection> {
    await this.instance(instanceId);
    const page = q.page ?? 0;
    const perPage = q.perPage ?? API_TOKEN_DEFAULT_PER_PAGE;
    const found = await this.deps.store.listTokens(instanceId, { offset: page * perPage, limit: perPage });
    const now = this.deps.clock().toISOString();
    const items = found.items.map((t) => toApiToken(t, now));
    return { items, instanceId, count: items.length, ...totals(found), page, perPage };
  }

  async get(instanceId: string, tokenId: string): Promise<ApiToken> {
    return toApiToken(await this.resolve(instanceId, tokenId), this.deps.clock().toISOString());
  }

  async create(instanceId: string, body: ApiTokenPost, caller: TokenRecord, actor: Actor): Promise<ApiTokenWithSecret> {
    const scopes = [...new Set(body.scope)];
    const unknown = scopes.filter((s) => !KNOWN_SCOPES.has(s));
    if (unknown.length) throw invalid(`Unknown scope(s): ${unknown.join(', ')}`);
    if (scopes.some((s) => USER_SCOPES.has(s))) throw invalid('all.User and all.User.read tokens act for a user: create them with the CLI (gatehouse token create --user)');
    const now = this.deps.clock();
    let expiresAt = body.expirationDate === undefined ? null : new Date(body.expirationDate);
    if (expiresAt !== null && (Number.isNaN(expiresAt.getTime()) || expiresAt <= now)) throw invalid('expirationDate must be a time in the future');
    if (caller.expiresAt !== null) {
      if (expiresAt !== null && expiresAt.toISOString() > caller.expiresAt) throw escalation('The new token may not live longer than the token creating it');
      expiresAt ??= new Date(caller.expiresAt);
    }
    await this.assertWithin(caller, scopes, 'create');
    return this.deps.store.transaction(async (store) => {
      const created = await new Operator(store, this.deps.clock).createToken({ instanceId, scopes, ttlMs: expiresAt === null ? undefined : expiresAt.getTime() - now.getTime() });
      const { token, ...record } = created;
      await audit(store, this.deps.clock, actor, { instanceId, orgId: null, action: 'instanceApiTokens.post', targetId: record.id, email: null, details: { scopes, expiresAt: record.expiresAt } });
      return { ...toApiToken(record, now.toISOString()), token };
    });
  }

  async revoke(instanceId: string, tokenId: string, caller: TokenRecord, actor: Actor): Promise<void> {
    const target = await this.resolve(instanceId, tokenId);
    // Revoking itself is always allowed: a token may always give up its own rights.
    if (target.id !== caller.id) await this.assertWithin(caller, target.scopes, 'revoke');
    await this.deps.store.transaction(async (store) => {
      if (!(await store.revokeToken(target.id, this.deps.clock().toISOString()))) throw notFound('API token (or it is already revoked)');
      await audit(store, this.deps.clock, actor, { instanceId, orgId: null, action: 'instanceApiToken.delete', targetId: target.id, email: null, details: { scopes: target.scopes } });
    });
  }

  private async assertWithin(caller: TokenRecord, scopes: string[], verb: string): Promise<void> {
    const may = new Set((await this.deps.auth.describe(caller)).actions);
    const beyond = [...new Set(scopes.flatMap(actionsOfScope))].filter((a) => !may.has(a));
    if (beyond.length) {
      throw escalation(`This token may not ${verb} a token that can do more than it can itself (${beyond.slice(0, 5).join(', ')}${beyond.length > 5 ? ', …' : ''})`);
    }
  }

  private async resolve(instanceId: string, tokenId: string): Promise<TokenRecord> {
    await this.instance(instanceId);
    const token = await this.deps.store.getToken(tokenId);
    if (!token || token.instanceId !== instanceId) throw notFound('API token');
    return token;
  }

  private async instance(instanceId: string): Promise<void> {
    if (!(await this.deps.store.getInstance(instanceId))) throw notFound('Instance');
  }
}

const escalation = (message: string) => new AppError('scope_escalation', message);
