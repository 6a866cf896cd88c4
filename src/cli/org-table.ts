import { formatDuration } from '../domain/duration.js';
import type { OrgView } from '../domain/operator.js';
import { table } from './remote.js';

/** The columns of the org commands' tables. */
export const ORG_COLUMNS = ['id', 'name', 'memberLimit', 'inviteTtl', 'members', 'pendingInvites'];

/** An org as a table row: limits in words, lifetimes as durations. */
export const orgRow = (org: OrgView) => ({
  ...org,
  memberLimit: org.memberLimit ?? 'none',
  // null: the server's GATEHOUSE_INVITE_TTL, which this process need not share.
  inviteTtl: org.inviteTtlMs === null ? 'default' : formatDuration(org.inviteTtlMs),
});

/** One org for people: its row, then what does not fit a column. */
export const shownOrg = (org: OrgView) =>
  [table([orgRow(org)], [...ORG_COLUMNS, 'instanceId']), ...(org.description === null ? [] : [`Description: ${org.description}`]), ...(org.locale === null ? [] : [`Mail language: ${org.locale}`])].join('\n');
