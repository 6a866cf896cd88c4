import { Command } from 'commander';
import * as instanceAddMember from './commands/instance-add-member.js';
import * as instanceCreate from './commands/instance-create.js';
import * as mailLast from './commands/mail-last.js';
import * as mailRetry from './commands/mail-retry.js';
import * as mailStatus from './commands/mail-status.js';
import * as migrate from './commands/migrate.js';
import * as orgCreate from './commands/org-create.js';
import * as serve from './commands/serve.js';
import * as tokenCreate from './commands/token-create.js';
import * as tokenRevoke from './commands/token-revoke.js';
import * as userCreate from './commands/user-create.js';

// `gatehouse serve --json | head -1` closes stdout early; that is not an error worth a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

const program = new Command('gatehouse')
  .description('Gatehouse: organization invitations and memberships. Configuration comes from the environment (see README).')
  .showHelpAfterError();

serve.register(program);
migrate.register(program);
const instance = program.command('instance').description('manage instances');
instanceCreate.register(instance);
instanceAddMember.register(instance);
orgCreate.register(program.command('org').description('manage organizations'));
userCreate.register(program.command('user').description('manage users'));
const token = program.command('token').description('manage API tokens');
tokenCreate.register(token);
tokenRevoke.register(token);

const mail = program.command('mail').description('invitation mail delivery');
mailStatus.register(mail);
mailRetry.register(mail);
mailLast.register(mail);

await program.parseAsync(process.argv);
