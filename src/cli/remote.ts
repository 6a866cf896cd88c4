import { type Command, InvalidArgumentError, Option } from 'commander';
import { createClient, GatehouseError, type GatehouseClient, GatehouseNetworkError } from '../../client/src/index.js';
import { ID_PATTERN } from '../contract/canonical.js';
import { VIA_HEADER } from '../contract/canonical.js';
import { fail } from './output.js';
import { instanceOption, orgOption } from './scope-options.js';

/** Options of every command that talks to a running server. */
export interface RemoteOptions {
  url?: string;
  token?: string;
  instance?: string;
  org?: string;
  json?: boolean;
}

interface Remote {
  client: GatehouseClient;
  ids: { instanceId: string; orgId: string };
}

const ID = new RegExp(ID_PATTERN);
export function id(text: string): string {
  if (!ID.test(text)) throw new InvalidArgumentError('expected a 24-character hex id');
  return text;
}

/** Adds --url, --token, --instance, --org (each with its environment variable) and --json. */
export function remoteCommand(parent: Command, name: string, description: string, example: string): Command {
  return parent
    .command(name)
    .description(description)
    .addOption(new Option('--url <url>', 'Gatehouse URL').env('GATEHOUSE_URL').default('http://127.0.0.1:3000'))
    .addOption(new Option('--token <token>', 'API token').env('GATEHOUSE_TOKEN'))
    .addOption(instanceOption().argParser(id))
    .addOption(orgOption().argParser(id))
    .option('--json', 'print one JSON object')
    .addHelpText('after', `\nExample:\n  $ ${example}\n`);
}

/**
 * Runs a remote command: builds the client, and turns any failure into one clear line.
 * Commands about the instance itself (webhooks) pass `scope: 'instance'`: they need no --org.
 */
export function remoteAction<O extends RemoteOptions>(run: (remote: Remote, o: O) => Promise<void>, scope: 'org' | 'instance' = 'org') {
  return async (o: O): Promise<void> => {
    try {
      if (!o.token) throw new Error('an API token is needed: --token or GATEHOUSE_TOKEN');
      if (!o.instance) throw new Error('--instance (or GATEHOUSE_INSTANCE) is needed');
      if (scope === 'org' && !o.org) throw new Error('--org (or GATEHOUSE_ORG) is needed');
      const client = createClient({ url: o.url!, accessToken: o.token, headers: { [VIA_HEADER]: 'cli' } });
      await run({ client, ids: { instanceId: o.instance, orgId: o.org ?? '' } }, o);
    } catch (error) {
      if (error instanceof GatehouseError) fail(new Error(`${error.statusCode} ${error.type}: ${error.message}`), false);
      if (error instanceof GatehouseNetworkError) fail(new Error(error.message), false);
      fail(error, false);
    }
  };
}

/** Lines of aligned columns for people. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((r) => columns.map((c) => (r[c] === undefined || r[c] === null ? '' : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns), ...cells.map(line)].join('\n');
}

/** The list options of the API, as command options. */
export function listOptions(cmd: Command, sortFields: readonly string[]): Command {
  return cmd
    .addOption(new Option('--sort-field <field>', 'sort by').choices([...sortFields]))
    .addOption(new Option('--sort-direction <dir>', 'sort direction').choices(['asc', 'desc']))
    .addOption(new Option('--filter-field <field>', 'field the filter applies to').choices(['email', 'role']))
    .option('--filter <glob>', 'glob: * any run of characters, ? one character')
    .option('--page <n>', 'page, from 0', (v) => nonNegative(v))
    .option('--per-page <n>', 'items per page (1-1000)', (v) => nonNegative(v));
}

function nonNegative(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('expected a whole number');
  return Number(text);
}

export interface ListFlags<F extends string = string> {
  sortField?: F;
  sortDirection?: 'asc' | 'desc';
  filterField?: 'email' | 'role';
  filter?: string;
  page?: number;
  perPage?: number;
}

/** The API's list parameters from the command's flags. */
export const listParams = <F extends string>(o: ListFlags<F>) => ({
  ...(o.sortField ? { sortField: o.sortField } : {}),
  ...(o.sortDirection ? { sortDirection: o.sortDirection } : {}),
  ...(o.filterField ? { filterField: o.filterField } : {}),
  ...(o.filter !== undefined ? { filter: o.filter } : {}),
  ...(o.page !== undefined ? { page: o.page } : {}),
  ...(o.perPage !== undefined ? { perPage: o.perPage } : {}),
});
