import { Command } from 'commander';
import { packageJson } from '../paths.js';
import * as auditList from './commands/audit-list.js';
import * as joinLinks from './commands/join-links.js';
import * as invitesCreate from './commands/invites-create.js';
import * as invitesGet from './commands/invites-get.js';
import * as invitesImport from './commands/invites-import.js';
import * as invitesList from './commands/invites-list.js';
import * as invitesResend from './commands/invites-resend.js';
import * as invitesRevoke from './commands/invites-revoke.js';
import * as membersAdd from './commands/members-add.js';
import * as membersGet from './commands/members-get.js';
import * as membersList from './commands/members-list.js';
import * as membersRemove from './commands/members-remove.js';
import * as membersSetRole from './commands/members-set-role.js';
import * as instanceAddMember from './commands/instance-add-member.js';
import * as instanceCreate from './commands/instance-create.js';
import * as instanceList from './commands/instance-list.js';
import * as mailLast from './commands/mail-last.js';
import * as mailRetry from './commands/mail-retry.js';
import * as mailStatus from './commands/mail-status.js';
import * as migrate from './commands/migrate.js';
import * as orgCreate from './commands/org-create.js';
import * as orgGet from './commands/org-get.js';
import * as orgList from './commands/org-list.js';
import * as orgUpdate from './commands/org-update.js';
import * as serve from './commands/serve.js';
import * as tokenCreate from './commands/token-create.js';
import * as tokenList from './commands/token-list.js';
import * as tokenRevoke from './commands/token-revoke.js';
import * as userCreate from './commands/user-create.js';
import * as webhooks from './commands/webhooks.js';

// `gatehouse serve --json | head -1` closes stdout early; that is not an error worth a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

const program = new Command('gatehouse')
  .description('Gatehouse: organization invitations and memberships. Configuration comes from the environment (see README).')
  .version(packageJson.version, '-V, --version', 'print the version (of package.json) and exit')
  .showHelpAfterError();

serve.register(program);
migrate.register(program);
const instance = program.command('instance').description('manage instances');
instanceCreate.register(instance);
instanceList.register(instance);
instanceAddMember.register(instance);
const org = program.command('org').description('manage organizations');
for (const command of [orgCreate, orgList, orgGet, orgUpdate]) command.register(org);
userCreate.register(program.command('user').description('manage users'));
const token = program.command('token').description('manage API tokens');
tokenCreate.register(token);
tokenList.register(token);
tokenRevoke.register(token);

// Everyday administration against a running server (through the client).
const invites = program.command('invites').description('invitations of an organization (talks to a running server)');
for (const command of [invitesList, invitesGet, invitesCreate, invitesResend, invitesRevoke, invitesImport]) command.register(invites);
const members = program.command('members').description('members of an organization (talks to a running server)');
for (const command of [membersList, membersGet, membersAdd, membersSetRole, membersRemove]) command.register(members);

joinLinks.register(program.command('join-links').description("an organization's join links: a URL to share instead of a list of addresses (talks to a running server)"));
webhooks.register(program.command('webhooks').description("the instance's webhook endpoints (talks to a running server)"));

auditList.register(program.command('audit').description('the audit trail of changes (reads the database)'));

const mail = program.command('mail').description('invitation mail delivery');
mailStatus.register(mail);
mailRetry.register(mail);
mailLast.register(mail);

await program.parseAsync(process.argv);
