import { type Command, InvalidArgumentError, Option } from 'commander';
import { EVENT_TYPES } from '../../contract/canonical.js';
import type { EventType } from '../../contract/events.js';
import { print } from '../output.js';
import { id, remoteAction, remoteCommand, type RemoteOptions, table } from '../remote.js';

type Flags = RemoteOptions & { id: string; endpoint?: string; events?: EventType[]; org?: string; description?: string; enabled?: boolean; event?: string; page?: number; perPage?: number };

function eventList(text: string): EventType[] {
  const types = text.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const unknown = types.find((t) => !(EVENT_TYPES as readonly string[]).includes(t));
  if (unknown !== undefined || types.length === 0) throw new InvalidArgumentError(`expected comma-separated event types of: ${EVENT_TYPES.join(', ')}`);
  return types as EventType[];
}

function whole(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('expected a whole number');
  return Number(text);
}

/** Endpoints belong to the instance: the --org every remote command has means nothing here. */
function command(parent: Command, name: string, description: string, example: string): Command {
  const cmd = remoteCommand(parent, name, description, example);
  cmd.options.find((o) => o.long === '--org')?.hideHelp();
  return cmd;
}
const byId = (cmd: Command) => cmd.requiredOption('--id <id>', 'webhook endpoint id', id);
const settings = (cmd: Command) =>
  cmd
    .option('--events <types>', `comma-separated event types (default: all): ${EVENT_TYPES.join(', ')}`, eventList)
    .option('--description <text>', 'what the endpoint is for');
const shown = (w: { id: string; url: string; enabled: boolean; events?: string[]; orgId?: string; disabledReason?: string }) => ({
  ...w,
  events: w.events?.join(',') ?? 'all',
  org: w.orgId ?? 'all',
  state: w.enabled ? 'enabled' : `disabled${w.disabledReason ? ` (${w.disabledReason})` : ''}`,
});

/** `gatehouse webhooks …`: the instance's webhook endpoints, through a running server. */
export function register(webhooks: Command): void {
  settings(
    command(webhooks, 'create', 'add an endpoint; prints its signing secret, shown this once', "gatehouse webhooks create --endpoint https://app.example.com/hooks --events member.added,member.removed")
      .requiredOption('--endpoint <url>', 'where events are POSTed')
      .option('--for-org <id>', 'only the events of this organization', id)
      .option('--disabled', 'create it disabled'),
  ).action(
    remoteAction(async ({ client, ids }, o: Flags & { forOrg?: string; disabled?: boolean }) => {
      const created = await client.instanceWebhooks.post({
        instanceId: ids.instanceId,
        webhook: { url: o.endpoint!, ...(o.events ? { events: o.events } : {}), ...(o.forOrg ? { orgId: o.forOrg } : {}), ...(o.description ? { description: o.description } : {}), ...(o.disabled ? { enabled: false } : {}) },
      });
      print(o, created, `Created webhook ${created.id}\nSigning secret (shown only now): ${created.secret}`);
    }, 'instance'),
  );

  command(webhooks, 'list', "list the instance's endpoints", 'gatehouse webhooks list').action(
    remoteAction(async ({ client, ids }, o: Flags) => {
      const list = await client.instanceWebhooks.get({ instanceId: ids.instanceId });
      print(o, list, table(list.items.map(shown), ['id', 'url', 'events', 'org', 'state']));
    }, 'instance'),
  );

  byId(command(webhooks, 'get', 'show one endpoint', 'gatehouse webhooks get --id 6b0250dd95ea51363e95bbad')).action(
    remoteAction(async ({ client, ids }, o: Flags) => {
      const w = await client.instanceWebhook.get({ instanceId: ids.instanceId, webhookId: o.id });
      print(o, w, table([shown(w)], ['id', 'url', 'events', 'org', 'state', 'description']));
    }, 'instance'),
  );

  settings(byId(command(webhooks, 'update', 'change an endpoint', 'gatehouse webhooks update --id 6b0250dd95ea51363e95bbad --disable')))
    .option('--endpoint <url>', 'a new URL for the endpoint')
    .option('--all-events', 'send every event type again')
    .option('--for-org <id>', 'only the events of this organization', id)
    .option('--all-orgs', 'the events of every organization again')
    .addOption(new Option('--enable', 'enable it').conflicts('disable'))
    .option('--disable', 'disable it (waiting deliveries are cancelled)')
    .action(
      remoteAction(async ({ client, ids }, o: Flags & { allEvents?: boolean; forOrg?: string; allOrgs?: boolean; enable?: boolean; disable?: boolean }) => {
        const webhook = {
          ...(o.endpoint ? { url: o.endpoint } : {}),
          ...(o.events ? { events: o.events } : o.allEvents ? { events: null } : {}),
          ...(o.forOrg ? { orgId: o.forOrg } : o.allOrgs ? { orgId: null } : {}),
          ...(o.description !== undefined ? { description: o.description } : {}),
          ...(o.enable ? { enabled: true } : o.disable ? { enabled: false } : {}),
        };
        const w = await client.instanceWebhook.patch({ instanceId: ids.instanceId, webhookId: o.id, webhook });
        print(o, w, `Updated webhook ${w.id}\n${table([shown(w)], ['id', 'url', 'events', 'org', 'state'])}`);
      }, 'instance'),
    );

  byId(command(webhooks, 'delete', 'delete an endpoint and its delivery log', 'gatehouse webhooks delete --id 6b0250dd95ea51363e95bbad')).action(
    remoteAction(async ({ client, ids }, o: Flags) => {
      const result = await client.instanceWebhook.delete({ instanceId: ids.instanceId, webhookId: o.id });
      print(o, result, `Deleted webhook ${o.id}`);
    }, 'instance'),
  );

  byId(command(webhooks, 'rotate', 'issue a new signing secret (the old one signs beside it for 24 hours)', 'gatehouse webhooks rotate --id 6b0250dd95ea51363e95bbad')).action(
    remoteAction(async ({ client, ids }, o: Flags) => {
      const w = await client.instanceWebhook.rotate({ instanceId: ids.instanceId, webhookId: o.id });
      print(o, w, `New signing secret (shown only now): ${w.secret}\nThe old secret also signs until ${w.previousSecretExpiresAt}`);
    }, 'instance'),
  );

  byId(command(webhooks, 'deliveries', "show an endpoint's delivery log, newest first", 'gatehouse webhooks deliveries --id 6b0250dd95ea51363e95bbad --per-page 20'))
    .option('--page <n>', 'page, from 0', whole)
    .option('--per-page <n>', 'attempts per page (1-1000)', whole)
    .action(
      remoteAction(async ({ client, ids }, o: Flags) => {
        const log = await client.instanceWebhook.deliveries({ instanceId: ids.instanceId, webhookId: o.id, ...(o.page !== undefined ? { page: o.page } : {}), ...(o.perPage !== undefined ? { perPage: o.perPage } : {}) });
        const rows = log.items.map((a) => ({ ...a, status: a.statusCode ?? a.error ?? '', ms: a.durationMs, next: a.nextAttemptAt ?? '', state: a.deliveryStatus }));
        print(o, log, `${table(rows, ['at', 'eventType', 'eventId', 'status', 'ms', 'state', 'next', 'excerpt'])}\n${log.pending} waiting for an attempt`);
      }, 'instance'),
    );

  byId(command(webhooks, 'redeliver', 'send an event to the endpoint again', 'gatehouse webhooks redeliver --id 6b0250dd95ea51363e95bbad --event 6b0250dd95ea51363e95bbaf'))
    .requiredOption('--event <id>', 'the event id (from the event feed or the delivery log)', id)
    .action(
      remoteAction(async ({ client, ids }, o: Flags) => {
        const result = await client.instanceWebhook.redeliver({ instanceId: ids.instanceId, webhookId: o.id, redeliver: { eventId: o.event! } });
        print(o, result, `Queued delivery ${result.deliveryId} of event ${result.eventId}`);
      }, 'instance'),
    );
}
