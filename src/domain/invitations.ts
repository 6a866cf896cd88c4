import type { UserInvite, UserInviteAction, UserInviteResult } from '../contract/user-side.js';
import { effectiveBranding } from './branding.js';
import { canonicalEmail, type Locale } from '../contract/canonical.js';
import { INVITE_LIST_DEFAULTS, type Invite, type InviteCollection, type InviteInfo, type InvitePost, type InviteResult, type RoleInfo } from '../contract/invites.js';
import { type Actor, audit } from './audit.js';
import { grantData, type NewEvent, previousGrant, publish, replacedInvites } from './events.js';
import type { EventType } from '../contract/events.js';
import type { DomainDeps } from './context.js';
import { alreadyMember, AppError, notFound, UniqueViolation, UnusableLink } from './errors.js';
import { isExpired } from './expiry.js';
import { newId } from './ids.js';
import { collection, type ListParams, resolveList } from './lists.js';
import { assertSeatFree, resolveOrg } from './orgs.js';
import { isUsedUp, joinLinkExpired, toInvite, toInviteInfo } from './presenters.js';
import type { InviteRecord, JoinLinkRecord, OrgRecord } from './records.js';
import { hashSecret, newSecret, sameSecret } from './secrets.js';
import type { EmailInvite, InviteSortField, Store } from './store.js';
import { findOrCreateUser } from './users.js';

export class Invitations {
  constructor(private readonly deps: DomainDeps) {}

  private get store(): Store {
    return this.deps.store;
  }

  async list(instanceId: string, orgId: string, params: ListParams<InviteSortField>): Promise<InviteCollection> {
    return this.listOf(this.store, await resolveOrg(this.store, instanceId, orgId), params);
  }

  private async listOf(store: Store, org: OrgRecord, params: ListParams<InviteSortField>): Promise<InviteCollection> {
    const { query, echo } = resolveList(params, INVITE_LIST_DEFAULTS);
    const page = await store.listInvites(org.id, query);
    const mail = await store.latestMailOf(page.items.map((i) => i.id));
    const now = this.deps.clock();
    return collection(org, echo, page.items.map((i) => toInvite(i, now, mail.get(i.id))), page);
  }

  async get(instanceId: string, orgId: string, inviteId: string): Promise<Invite> {
    const org = await resolveOrg(this.store, instanceId, orgId);
    const invite = await this.pending(org, inviteId);
    const mail = await this.store.latestMailOf([invite.id]);
    return toInvite(invite, this.deps.clock(), mail.get(invite.id));
  }

  /** Invites `body.email` to the org (see invite()). */
  async create(instanceId: string, orgId: string, body: InvitePost, actor: Actor): Promise<Invite> {
    const now = this.deps.clock();
    const { record } = await this.store.transaction((store) => this.invite(store, instanceId, orgId, body, actor, now));
    this.deps.onMailQueued();
    this.deps.onEventsPublished();
    return toInvite(record, now, QUEUED);
  }

  /**
   * create(), answered as upstream answers it: with the org's invite list as `params` shape it,
   * read in the transaction that made the invite (never by a second query after the commit,
   * which could fail after the invite was made and tell the client it was not).
   */
  async createAndList(instanceId: string, orgId: string, body: InvitePost, actor: Actor, params: ListParams<InviteSortField>): Promise<InviteCollection> {
    const now = this.deps.clock();
    const list = await this.store.transaction(
      async (store) => {
        const { org } = await this.invite(store, instanceId, orgId, body, actor, now);
        return this.listOf(store, org, params);
      },
      // The journal keeps that the invite was made, not the list (up to 1,000 invites): a
      // replay reads the list again, in its own transaction.
      { keep: () => null, replay: async (_kept, store) => this.listOf(store, await resolveOrg(store, instanceId, orgId), params) },
    );
    this.deps.onMailQueued();
    this.deps.onEventsPublished();
    return list;
  }

  /**
   * Invites `body.email` to the org and queues the invitation mail, in the caller's transaction.
   * A pending invite for the email, or a membership, is refused; an expired invite is replaced.
   */
  private async invite(store: Store, instanceId: string, orgId: string, body: InvitePost, actor: Actor, now: Date): Promise<{ record: InviteRecord; org: OrgRecord }> {
    const email = canonicalEmail(body.email);
    await store.lock({ email }); // before any of the person's rows, then the org's (Store.lock)
    const org = await resolveOrg(store, instanceId, orgId);
    const user = await store.getUserByEmail(email);
    if (user && (await store.getMember(org.id, user.id))) {
      throw alreadyMember(email);
    }
    const replaced = await store.retirePendingInvites(org.id, email, 'replaced', now.toISOString());
    for (const id of replaced) await store.cancelUndeliveredMail(id);
    await assertSeatFree(store, org, now);
    const token = newSecret();
    const record: InviteRecord = {
      id: newId(now.getTime()),
      orgId: org.id,
      email,
      role: body.role,
      applicationRoles: body.applicationRoles ?? [],
      dashboardRoles: body.dashboardRoles ?? [],
      disallowTransfer: body.disallowTransfer ?? false,
      ...this.lifetime(org, now),
      status: 'pending',
      invitedByTokenId: actor.tokenId,
      joinLinkId: null,
      locale: body.locale ?? null,
    };
    try {
      await store.insertInvite(record, hashSecret(token));
    } catch (error) {
      if (error instanceof UniqueViolation) throw new AppError('already_invited', `${email} already has a pending invite to this organization`);
      throw error;
    }
    await this.queueMail(store, org, record, token, actor);
    await audit(store, this.deps.clock, actor, {
      ...inviteAuditFields(org, record),
      action: 'instanceOrgInvites.post',
      details: { role: record.role, applicationRoles: record.applicationRoles, dashboardRoles: record.dashboardRoles, replaced },
    });
    await publish(store, now, actor, [
      ...replacedInvites(org, replaced, email),
      inviteEvent('invite.created', org, record),
    ]);
    return { record, org };
  }

  /** Revokes a pending (or expired) invite; its link stops working and unsent mail is dropped. */
  async revoke(instanceId: string, orgId: string, inviteId: string, actor: Actor): Promise<void> {
    await this.store.transaction(async (store) => {
      const org = await resolveOrg(store, instanceId, orgId);
      const revoked = await store.updatePendingInvite((await this.pending(org, inviteId, store)).id, { status: 'revoked' });
      if (!revoked) throw notFound('Invite');
      await store.cancelUndeliveredMail(revoked.id);
      await audit(store, this.deps.clock, actor, { ...inviteAuditFields(org, revoked), action: 'instanceOrgInvite.delete', details: {} });
      await publish(store, this.deps.clock(), actor, [inviteEvent('invite.revoked', org, revoked, { reason: 'revoked' })]);
    });
    this.deps.onEventsPublished();
  }

  /**
   * Applies new role info, issues a new token (the old link dies), restarts the lifetime and
   * mails the new link. Works on expired invites too: that is what resending is for.
   */
  async resend(instanceId: string, orgId: string, inviteId: string, roleInfo: RoleInfo, actor: Actor): Promise<Invite> {
    const now = this.deps.clock();
    const invite = await this.store.transaction(async (store) => {
      const org = await resolveOrg(store, instanceId, orgId);
      const current = await this.pending(org, inviteId, store);
      await store.lock({ email: current.email }); // before writing the invite (Store.lock)
      // An expired invite holds no seat; making it live again takes one.
      if (isExpired(current, now)) await assertSeatFree(store, org, now);
      const token = newSecret();
      const updated = await store.updatePendingInvite(current.id, {
        tokenHash: hashSecret(token),
        invitedByTokenId: actor.tokenId,
        ...this.lifetime(org, now),
        role: roleInfo.role,
        applicationRoles: roleInfo.applicationRoles,
        dashboardRoles: roleInfo.dashboardRoles,
      });
      if (!updated) throw notFound('Invite');
      // The invitee must never receive the dead link after the live one.
      await store.cancelUndeliveredMail(updated.id);
      await this.queueMail(store, org, updated, token, actor);
      await audit(store, this.deps.clock, actor, { ...inviteAuditFields(org, updated), action: 'instanceOrgInvite.resendInvite', details: { ...roleInfo } });
      await publish(store, now, actor, [inviteEvent('invite.resent', org, updated, previousGrant(current, updated))]);
      return updated;
    });
    this.deps.onMailQueued();
    this.deps.onEventsPublished();
    return toInvite(invite, now, QUEUED);
  }

  /** What the link holder may see. Reads only: mail scanners open links. */
  async info(token: string, email: string): Promise<InviteInfo> {
    const invite = await this.live(token, email);
    const [org, inviter] = await Promise.all([this.store.getOrg(invite.orgId), this.store.getInviter(invite.id)]);
    if (!org) throw new UnusableLink(false);
    return toInviteInfo(invite, org, inviter);
  }

  /**
   * Accepts or rejects, once. The claim is one conditional write, so of two concurrent
   * accepts exactly one wins; the membership is created in the same transaction.
   */
  async respond(token: string, email: string, accept: boolean, actor: Actor): Promise<InviteResult> {
    const result = await this.store.transaction(async (store) => this.settle(store, await this.live(token, email, store), accept, actor, hashSecret(token)));
    this.deps.onEventsPublished();
    return result;
  }

  /** The pending invites to a user's email in the orgs of the instance (expired included, dismissed ones left out), newest first. */
  async ofUser(instanceId: string, userId: string): Promise<UserInvite[]> {
    const found = await this.userInvites(this.store, instanceId, userId);
    return Promise.all(found.filter((f) => !f.dismissed).map((f) => this.toUserInvite(f)));
  }

  /** One of them, a dismissed one included; 404 for any other invite. */
  async oneOfUser(instanceId: string, userId: string, inviteId: string): Promise<UserInvite> {
    return this.toUserInvite(await this.userInvite(this.store, instanceId, userId, inviteId));
  }

  /** Accepts or rejects as the invite's link would (the same claim), or dismisses it from the user's list. */
  async respondAsUser(instanceId: string, userId: string, inviteId: string, action: UserInviteAction['action'], actor: Actor): Promise<UserInviteResult> {
    if (action === 'dismiss') {
      const { invite } = await this.userInvite(this.store, instanceId, userId, inviteId);
      if (!(await this.store.dismissInvite(invite.id, this.deps.clock().toISOString()))) throw notFound('Invite');
      return { result: 'dismissed', orgId: invite.orgId };
    }
    const result = await this.store.transaction(async (store) => {
      const { invite } = await this.userInvite(store, instanceId, userId, inviteId);
      if (isExpired(invite, this.deps.clock())) throw new AppError('invite_link_expired', 'Invite has expired');
      return this.settle(store, invite, action === 'accept', actor);
    });
    this.deps.onEventsPublished();
    return { result: result.accepted ? 'accepted' : 'rejected', orgId: result.orgId };
  }

  private async userInvites(store: Store, instanceId: string, userId: string): Promise<EmailInvite[]> {
    const user = await store.getUser(userId);
    return user ? store.listInvitesOfEmail(instanceId, user.email) : [];
  }

  private async userInvite(store: Store, instanceId: string, userId: string, inviteId: string): Promise<EmailInvite> {
    const found = (await this.userInvites(store, instanceId, userId)).find((f) => f.invite.id === inviteId);
    if (!found) throw notFound('Invite');
    return found;
  }

  private async toUserInvite({ invite, orgName }: EmailInvite): Promise<UserInvite> {
    const inviter = await this.store.getInviter(invite.id);
    const fullName = inviter && [inviter.firstName, inviter.lastName].filter(Boolean).join(' ');
    return {
      id: invite.id,
      orgName,
      role: invite.role,
      requiresMFA: false,
      inviteDate: invite.inviteDate,
      ttl: invite.ttl,
      expired: isExpired(invite, this.deps.clock()),
      ...(inviter ? { invitedBy: { ...(fullName ? { fullName } : {}), email: inviter.email } } : {}),
    };
  }

  /**
   * Inside the transaction: ends a pending invite as accepted (with the membership) or
   * rejected, once. `tokenHash` ties the claim to the link that was used (a resend kills it).
   */
  private async settle(store: Store, found: InviteRecord, accept: boolean, actor: Actor, tokenHash?: string): Promise<InviteResult> {
    const now = this.deps.clock();
    await store.lock({ email: found.email }); // before the claim and the user (Store.lock)
    // A confirmation from a join link uses the link up by one: counted before the claim (the
    // link's row before the invite's, as Store.lock orders), rolled back with it if it loses.
    if (accept && found.joinLinkId) await useJoinLink(store, found, now);
    const claimed = await store.updatePendingInvite(found.id, { status: accept ? 'accepted' : 'rejected' }, tokenHash);
    if (!claimed) throw new UnusableLink(false);
    const org = await store.getOrg(claimed.orgId);
    if (!org) throw new UnusableLink(false);
    const user = accept ? await findOrCreateUser(store, claimed.email, now) : null;
    // A membership through a join link says so: the invite was only its confirmation.
    const by: Actor = { ...actor, userId: user?.id ?? actor.userId, ...(claimed.joinLinkId ? { via: 'join_link' as const } : {}) };
    await audit(store, this.deps.clock, by, {
      ...inviteAuditFields(org, claimed),
      action: accept ? 'orgInvites.accept' : 'orgInvites.reject',
      details: { role: claimed.role },
    });
    if (user) {
      try {
        await store.insertMember({
          orgId: claimed.orgId,
          userId: user.id,
          email: user.email,
          role: claimed.role,
          applicationRoles: claimed.applicationRoles,
          dashboardRoles: claimed.dashboardRoles,
          disallowTransfer: claimed.disallowTransfer,
          createdAt: now.toISOString(),
        });
      } catch (error) {
        if (error instanceof UniqueViolation) throw alreadyMember(claimed.email);
        throw error;
      }
    }
    const userId = user ? { userId: user.id } : {};
    const added: NewEvent[] = user
      ? [{ type: 'member.added', instanceId: org.instanceId, orgId: org.id, data: { userId: user.id, email: user.email, ...grantData(claimed), inviteId: claimed.id, ...joinLinkOf(claimed) } }]
      : [];
    await publish(store, now, by, [inviteEvent(accept ? 'invite.accepted' : 'invite.rejected', org, claimed, userId), ...added]);
    return { accepted: accept, orgId: claimed.orgId };
  }

  /**
   * Inside the join request's transaction (the email lock and the link's row taken): mails
   * `email` a confirmation, a pending invite carrying the link's roles. A confirmation this link
   * sent before is sent again with a new token (people lose mail); an invite of any other
   * origin is left alone and refused, an expired one replaced. Returns the invite.
   */
  async offerJoin(store: Store, org: OrgRecord, link: JoinLinkRecord, email: string, actor: Actor, locale: Locale | null = null): Promise<InviteRecord> {
    const now = this.deps.clock();
    const replaced = await store.retirePendingInvites(org.id, email, 'replaced', now.toISOString());
    for (const id of replaced) await store.cancelUndeliveredMail(id);
    const lifetime = this.lifetime(org, now, link.expiresAt);
    const grant = { role: link.role, applicationRoles: link.applicationRoles, dashboardRoles: link.dashboardRoles };
    const token = newSecret();
    const earlier = await store.getPendingInvite(org.id, email);
    let invite: InviteRecord;
    let events: NewEvent[];
    if (earlier && earlier.joinLinkId !== link.id) {
      throw new AppError('already_invited', `${email} already has a pending invitation to ${org.name}: look for it in your mail`);
    } else if (earlier) {
      // Asked again from a page in another language: the new confirmation speaks that one.
      invite = (await store.updatePendingInvite(earlier.id, { tokenHash: hashSecret(token), ...lifetime, ...grant, ...(locale ? { locale } : {}) }))!;
      await store.cancelUndeliveredMail(invite.id);
      events = [inviteEvent('invite.resent', org, invite, previousGrant(earlier, invite))];
    } else {
      await assertSeatFree(store, org, now);
      invite = { id: newId(now.getTime()), orgId: org.id, email, ...grant, disallowTransfer: false, ...lifetime, status: 'pending', invitedByTokenId: null, joinLinkId: link.id, locale };
      await store.insertInvite(invite, hashSecret(token));
      events = [...replacedInvites(org, replaced, email), inviteEvent('invite.created', org, invite)];
    }
    await this.queueMail(store, org, invite, token, actor);
    await audit(store, this.deps.clock, actor, { ...inviteAuditFields(org, invite), action: 'joinLinks.post', details: { joinLinkId: link.id, role: invite.role, replaced } });
    await publish(store, now, actor, events);
    return invite;
  }

  /** A pending invite of the org by id (expired ones included); 404 for any other. */
  private async pending(org: OrgRecord, inviteId: string, store = this.store): Promise<InviteRecord> {
    const invite = await store.getInvite(org.id, inviteId);
    if (!invite || invite.status !== 'pending') throw notFound('Invite');
    return invite;
  }

  /**
   * The pending invite behind a link. Unknown tokens, used or revoked invites and a
   * different email all answer the same 404, so the answer tells nothing about other invites.
   */
  private async live(token: string, email: string, store = this.store): Promise<InviteRecord> {
    const invite = await this.linked(token, email, store);
    if (isExpired(invite, this.deps.clock())) throw new AppError('invite_link_expired', 'Invite has expired');
    return invite;
  }

  /** The org a link invites to, expired links included (the pages name it and wear its branding); UnusableLink otherwise. */
  async linkOrg(token: string, email: string): Promise<OrgRecord> {
    const org = await this.store.getOrg((await this.linked(token, email)).orgId);
    if (!org) throw new UnusableLink(false);
    return org;
  }

  /** The pending invite behind a link, expired or not. */
  private async linked(token: string, email: string, store = this.store): Promise<InviteRecord> {
    const invite = await store.getInviteByTokenHash(hashSecret(token));
    // One indexed lookup whatever the token, then the emails compared in constant time (against
    // a stand-in when there is no invite): neither the work nor its time tells an unknown token
    // from a known token with another email.
    const emailMatches = sameSecret(invite?.email ?? '', canonicalEmail(email));
    if (!invite || !emailMatches) throw new UnusableLink(true);
    if (invite.status !== 'pending') throw new UnusableLink(false);
    return invite;
  }

  /** An invite's lifetime from `now`: the org's (or the server's), but never past `until`. */
  private lifetime(org: OrgRecord, now: Date, until: string | null = null) {
    const ttl = Math.min(org.inviteTtlMs ?? this.deps.defaultInviteTtlMs, until === null ? Infinity : Date.parse(until) - now.getTime());
    return { inviteDate: now.toISOString(), ttl, expiresAt: new Date(now.getTime() + ttl).toISOString() };
  }

  private async queueMail(store: Store, org: OrgRecord, invite: InviteRecord, token: string, actor: Actor): Promise<void> {
    const inviter = actor.userId ? await store.getUser(actor.userId) : null;
    const branding = await effectiveBranding(store, org.instanceId, org.id);
    const mail = this.deps.composeInviteMail({ org, invite, token, inviter, branding });
    const now = this.deps.clock().toISOString();
    await store.enqueueMail({
      id: newId(),
      inviteId: invite.id,
      ...mail,
      status: 'queued',
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      createdAt: now,
      sentAt: null,
    });
  }
}

/** Counts the use of the join link `invite` came from, or says why the link can no longer be used. */
async function useJoinLink(store: Store, invite: InviteRecord, now: Date): Promise<void> {
  if (await store.useJoinLink(invite.joinLinkId!, now.toISOString())) return;
  const link = await store.getJoinLink(invite.orgId, invite.joinLinkId!);
  if (link && joinLinkExpired(link, now)) throw new AppError('join_link_expired', 'The join link this confirmation came from has expired');
  if (link && isUsedUp(link)) throw new AppError('join_link_used_up', 'The join link this confirmation came from has been used as many times as it allows');
  throw new UnusableLink(false);
}

/** The join link an invite came from, as event data. */
const joinLinkOf = (invite: InviteRecord) => (invite.joinLinkId ? { joinLinkId: invite.joinLinkId } : {});

/** The audit fields naming an invite of an org. */
const inviteAuditFields = (org: OrgRecord, invite: InviteRecord) => ({ instanceId: org.instanceId, orgId: org.id, targetId: invite.id, email: invite.email });

/** An event about an invite: its id, email and role grant, and `extra`. */
const inviteEvent = (type: EventType, org: OrgRecord, invite: InviteRecord, extra: Partial<NewEvent['data']> = {}): NewEvent => ({
  type,
  instanceId: org.instanceId,
  orgId: org.id,
  data: { inviteId: invite.id, email: invite.email, ...grantData(invite), ...(invite.status === 'pending' ? { expiresAt: invite.expiresAt } : {}), ...joinLinkOf(invite), ...extra },
});

/** The mail state of an invite just created or resent: its mail is queued. */
const QUEUED = { status: 'queued', lastError: null } as const;
