/**
 * The outbox when PostgreSQL goes away between sending a message and recording it, through a
 * real TCP proxy in front of the real server: the delivered message is marked sent when the
 * database is back and never sent again, and the other messages the worker had claimed are
 * sent as soon as the database is back, not left waiting for their 60 s lease.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.js';
import type { MailRecord } from '../../src/domain/records.js';
import type { Store } from '../../src/domain/store.js';
import { OutboxWorker } from '../../src/mail/outbox-worker.js';
import { fileTransport, type MailTransport } from '../../src/mail/transport.js';
import { openStore } from '../../src/store/open.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { createDatabase, TEST_PG_URL } from '../helpers/postgres.js';
import { POSTGRES, titled } from '../helpers/stores.js';

const quiet = { info() {}, warn() {}, error() {} };

describe.skipIf(POSTGRES.skipped !== null)(titled(POSTGRES, 'the outbox when the database goes away mid-delivery'), () => {
  let dir = '';
  let proxy: FaultProxy;
  let store: Store;
  let now = Date.now();
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-outbox-outage-'));
    const url = new URL(await createDatabase(TEST_PG_URL!, 'outbox'));
    proxy = await FaultProxy.start(Number(url.port));
    url.port = String(proxy.port);
    // A short hold: the outage below outlasts it, so recording the send fails for real.
    store = await openStore(url.toString(), { holdMs: 500 });
  });
  afterAll(async () => {
    await store?.close();
    await proxy?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const message = (to: string): MailRecord => ({
    id: newId(),
    inviteId: null,
    to,
    subject: 'Hello',
    text: 'a link',
    html: '<p>a link</p>',
    status: 'queued',
    attempts: 0,
    nextAttemptAt: new Date(now).toISOString(),
    lastError: null,
    createdAt: new Date(now).toISOString(),
    sentAt: null,
  });

  it('marks the delivered message when the database is back, never sends it twice, and does not hold the others', async () => {
    const sent: string[] = [];
    const files = fileTransport(join(dir, 'mail'));
    // The database goes away right after the first message leaves.
    const transport: MailTransport = {
      async send(mail) {
        await files.send(mail);
        sent.push(mail.to);
        if (sent.length === 1) proxy.outage(60_000);
      },
      close: () => files.close(),
    };
    const messages = ['a@example.com', 'b@example.com', 'c@example.com'].map(message);
    for (const m of messages) await store.enqueueMail(m);
    const worker = new OutboxWorker({ store, transport, from: 'Gatehouse <g@example.com>', clock: () => new Date(now), log: quiet });

    await worker.drain();
    expect(sent, 'sent while the database went away').toEqual(['a@example.com']);

    // Back, well within the 60 s lease the worker took on all three.
    proxy.outage(0);
    await worker.drain();
    expect(sent.sort()).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    for (const m of messages) expect(await store.getMail(m.id), m.to).toMatchObject({ status: 'sent', attempts: 1 });

    // Long after every lease would have run out: nothing goes again.
    now += 10 * 60_000;
    await worker.drain();
    expect(sent).toHaveLength(3);
    await worker.stop();
  });
});
