import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { AppError } from '../../domain/errors.js';
import { fail, type JsonOption, print } from '../output.js';

export function register(mail: Command): void {
  mail
    .command('last')
    .description('show the newest mail written by the file transport (GATEHOUSE_MAIL=file:…), decoded')
    .option('--to <email>', 'only mail to this address')
    .option('--json', 'print one JSON object')
    .action(async (o: { to?: string } & JsonOption) => {
      try {
        const { mail } = loadConfig();
        if (mail.kind !== 'file') throw new AppError('invalid_request', 'mail last reads the file transport (GATEHOUSE_MAIL=file:<folder>)');
        const { lastMail } = await import('../../mail/eml.js');
        const found = await lastMail(mail.folder, o.to);
        if (!found) throw new AppError('not_found', `no mail${o.to ? ` to ${o.to}` : ''} in ${mail.folder}`);
        // One blank line before the link: the text's own last line break would make it two.
        const text = found.text.replace(/\n$/, '');
        print(o, found, [`File:    ${found.file}`, `To:      ${found.to}`, `Subject: ${found.subject}`, '', text, '', `Link: ${found.link ?? '(none)'}`].join('\n'));
      } catch (error) {
        fail(error);
      }
    });
}
