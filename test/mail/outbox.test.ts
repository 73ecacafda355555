import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutboxJobDoc } from '../../src/outbox/outbox.model.js';
import { retryDelay } from '../../src/outbox/outbox.worker.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { connectTestDatabase, type TestDatabase } from '../support/database.js';
import { createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { freePort } from '../../src/db/launcher/server-process.js';
import { eventually, makeCertificate, smtpEnv, TestSmtpServer, type TestCertificate } from '../support/smtp.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { TsProcess } from '../support/ts-process.js';

/** Everything this file starts, closed at the end whatever happened. */
const open: { close(): Promise<void> }[] = [];
const track = <T extends { close(): Promise<void> }>(thing: T): T => (open.push(thing), thing);

async function tenantWithAdmin(idp: TestIdp, slug: string): Promise<{ fixture: TenantFixture; invite: (email: string) => Promise<{ status: number; body: any }> }> {
  const fixture = await createTenantFixture(idp.services, slug);
  const token = await serviceToken(idp, fixture.tenant, ['tenant_admin']);
  const call = adminClient(idp);
  return { fixture, invite: (email) => call('POST', `/tenants/${slug}/invitations`, token, { email }) };
}

/** The stored job of an invitation, read as the database holds it. */
async function jobOf(idp: TestIdp, tenantId: string, invitationId: string): Promise<OutboxJobDoc> {
  const [job] = await idp.db.models.mailOutbox.find({ tenantId, subjectId: invitationId }).sort({ createdAt: -1 }).lean();
  return job!;
}

describe('the mail outbox', () => {
  let certificate: TestCertificate;
  beforeAll(() => {
    certificate = makeCertificate();
  });
  afterAll(async () => {
    for (const thing of open.reverse()) await thing.close();
  });

  it('answers 202 while SMTP is down, retries, and delivers exactly once when SMTP is back', async () => {
    const port = await freePort();
    const idp = track(await startTestIdp({ mailWorker: true, env: smtpEnv(`smtp://127.0.0.1:${port}`, certificate) }));
    const { fixture, invite } = await tenantWithAdmin(idp, 'down');
    const created = await invite('waiting@down.test');
    expect(created).toMatchObject({ status: 202, body: { delivery_state: 'queued' } });

    let retrying!: OutboxJobDoc;
    await eventually(async () => ((retrying = await jobOf(idp, fixture.tenant._id, created.body.id)).attempts >= 2 && retrying.state === 'queued'), 10_000, 'retries');
    expect(retrying).toMatchObject({ state: 'queued', lastError: expect.stringMatching(/^E[A-Z]+/) });
    expect(retrying.nextAttemptAt.getTime()).toBeGreaterThan(retrying.updatedAt.getTime());

    const smtp = track(await TestSmtpServer.start({ tls: 'starttls', certificate, port }));
    await smtp.waitForMail(1);
    await eventually(async () => (await jobOf(idp, fixture.tenant._id, created.body.id)).state === 'sent', 10_000, 'the sent mark');
    expect(await idp.mailWorker!.drain()).toBe(0);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.rcptTo).toEqual(['waiting@down.test']);
  });

  it('never sends in clear to a server without STARTTLS: the mail is retried, not delivered', async () => {
    const plain = track(await TestSmtpServer.start({ tls: 'plain', auth: { user: 'relay', pass: 'relay-secret' } }));
    const idp = track(await startTestIdp({ mailWorker: true, env: smtpEnv(plain, certificate) }));
    const { fixture, invite } = await tenantWithAdmin(idp, 'no-tls');
    const created = await invite('careful@no-tls.test');
    let retrying!: OutboxJobDoc;
    await eventually(async () => ((retrying = await jobOf(idp, fixture.tenant._id, created.body.id)).attempts >= 2 && retrying.state === 'queued'), 10_000, 'retries');
    expect(retrying.lastError).toMatch(/^ETLS/);
    expect(plain.received).toHaveLength(0);
  });

  it('gives up after MAIL_MAX_ATTEMPTS and shows the invitation as delivery_failed', async () => {
    const port = await freePort();
    const idp = track(await startTestIdp({ mailWorker: true, env: { ...smtpEnv(`smtp://127.0.0.1:${port}`, certificate), MAIL_MAX_ATTEMPTS: '3' } }));
    const { fixture, invite } = await tenantWithAdmin(idp, 'failing');
    const created = await invite('unlucky@failing.test');
    await eventually(async () => (await jobOf(idp, fixture.tenant._id, created.body.id)).state === 'failed', 10_000, 'the failure');
    const job = await jobOf(idp, fixture.tenant._id, created.body.id);
    expect(job.attempts).toBe(3);
    expect(job.message).toBeUndefined();
    const token = await serviceToken(idp, fixture.tenant, ['user_manager']);
    const listed = await adminClient(idp)('GET', `/tenants/failing/invitations/${created.body.id}`, token);
    expect(listed.body).toMatchObject({ state: 'pending', delivery_state: 'delivery_failed' });
  });

  it('keeps a queued message sealed, and drops it once SMTP has accepted it', async () => {
    const port = await freePort();
    const idp = track(await startTestIdp({ mailWorker: true, env: smtpEnv(`smtp://127.0.0.1:${port}`, certificate) }));
    const { fixture, invite } = await tenantWithAdmin(idp, 'sealed');
    const created = await invite('private@sealed.test');
    const filter = { tenantId: fixture.tenant._id, subjectId: created.body.id };
    const queued = await idp.db.models.mailOutbox.collection.findOne(filter);
    expect(queued!.message).toEqual(expect.any(String));
    expect(JSON.stringify(queued)).not.toMatch(/private@sealed|invitations\//);

    const smtp = track(await TestSmtpServer.start({ tls: 'starttls', certificate, port }));
    await smtp.waitForMail(1);
    await eventually(async () => (await idp.db.models.mailOutbox.collection.findOne(filter))!.state === 'sent', 10_000, 'the sent mark');
    expect((await idp.db.models.mailOutbox.collection.findOne(filter))!.message).toBeUndefined();
  });
});

describe('mail workers of several processes', () => {
  let certificate: TestCertificate;
  let database: TestDatabase;
  const masterKey = randomBytes(32);
  const started: TestIdp[] = [];
  const start = async (env: Record<string, string>, mailWorker: boolean) => {
    const idp = await startTestIdp({ database, masterKey, mailWorker, env });
    started.push(idp);
    return idp;
  };

  beforeAll(async () => {
    certificate = makeCertificate();
    database = await connectTestDatabase();
  });
  afterAll(async () => {
    for (const idp of started) await idp.close();
    await database.drop();
  });

  it('deliver each queued mail exactly once between them', async () => {
    const smtp = await TestSmtpServer.start({ tls: 'starttls', certificate });
    try {
      const queuing = await start(smtpEnv(smtp, certificate), false);
      const { invite } = await tenantWithAdmin(queuing, 'shared');
      for (let i = 0; i < 8; i++) expect((await invite(`person-${i}@shared.test`)).status).toBe(202);
      expect(smtp.received).toHaveLength(0);

      const [one, two] = await Promise.all([start(smtpEnv(smtp, certificate), true), start(smtpEnv(smtp, certificate), true)]);
      await smtp.waitForMail(8);
      await eventually(async () => (await one!.db.models.mailOutbox.collection.countDocuments({ state: 'sent' })) === 8, 10_000, 'eight sent marks');
      expect(await one!.mailWorker!.drain()).toBe(0);
      expect(await two!.mailWorker!.drain()).toBe(0);
      const ids = smtp.received.map((r) => r.mail.messageId);
      expect(smtp.received).toHaveLength(8);
      expect(new Set(ids).size).toBe(8);
      // Their SMTP server goes with this case: left running, they would fail the next case's mail to the end.
      await Promise.all([one!.mailWorker!.stop(), two!.mailWorker!.stop()]);
    } finally {
      await smtp.close();
    }
  });

  it('deliver mail queued before a restart once, after it', async () => {
    const port = await freePort();
    const before = await start(smtpEnv(`smtp://127.0.0.1:${port}`, certificate), true);
    const { fixture, invite } = await tenantWithAdmin(before, 'restart');
    const created = await invite('patient@restart.test');
    await eventually(async () => (await jobOf(before, fixture.tenant._id, created.body.id)).attempts >= 1, 10_000, 'a first attempt');
    await before.mailWorker!.stop();

    const smtp = await TestSmtpServer.start({ tls: 'starttls', certificate, port });
    try {
      const after = await start(smtpEnv(`smtp://127.0.0.1:${port}`, certificate), true);
      await smtp.waitForMail(1);
      await eventually(async () => (await jobOf(after, fixture.tenant._id, created.body.id)).state === 'sent', 10_000, 'the sent mark');
      expect(await after.mailWorker!.drain()).toBe(0);
      expect(smtp.received).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });
});

describe('a mail worker that dies holding a mail', () => {
  let certificate: TestCertificate;
  let database: TestDatabase;
  const masterKey = randomBytes(32);
  const lease = { OUTBOX_LEASE_MS: '2000' };
  const closing: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    certificate = makeCertificate();
    database = await connectTestDatabase();
  });
  afterAll(async () => {
    for (const thing of closing.reverse()) await thing.close();
    await database.drop();
  });

  /** An SMTP server that takes connections and never greets: a worker sending to it stays mid-send. */
  async function silentSmtp(): Promise<{ port: number; connections: Socket[]; close(): Promise<void> }> {
    const connections: Socket[] = [];
    const server = createServer((socket) => void connections.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { port, connections, close: () => new Promise((resolve) => (connections.forEach((c) => c.destroy()), server.close(() => resolve()))) };
  }

  it('has it sent by another worker once the dead worker\'s lease has ended', async () => {
    const queuing = await startTestIdp({ database, masterKey, mailWorker: false });
    closing.push(queuing);
    const { fixture, invite } = await tenantWithAdmin(queuing, 'stranded');
    const created = await invite('patient@stranded.test');
    expect(created.status).toBe(202);

    // The server itself (src/main.ts) as a process of its own, its worker sending to a server that never answers.
    const silent = await silentSmtp();
    closing.push(silent);
    const doomed = TsProcess.start('src/main.ts', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PORT: String(await freePort()),
      PUBLIC_URL: queuing.baseUrl,
      MONGODB_URI: database.uri,
      IDP_MASTER_KEY: masterKey.toString('base64'),
      BACKUP_DIR: await mkdtemp(join(tmpdir(), 'idp-test-backups-')),
      SCHEDULER_INTERVAL_MS: '0',
      ...smtpEnv(`smtp://127.0.0.1:${silent.port}`),
      ...lease,
    });
    closing.push(doomed);
    await eventually(() => silent.connections.length > 0 || !doomed.running, 30_000, 'the worker process to claim the mail and connect');
    expect({ running: doomed.running, output: doomed.output }).toMatchObject({ running: true });
    const held = await jobOf(queuing, fixture.tenant._id, created.body.id);
    expect(held).toMatchObject({ state: 'sending', attempts: 1, lockedBy: expect.stringMatching(/^wrk_/) });
    await doomed.kill();

    const smtp = await TestSmtpServer.start({ tls: 'starttls', certificate });
    closing.push(smtp);
    const after = await startTestIdp({ database, masterKey, mailWorker: true, env: { ...smtpEnv(smtp, certificate), ...lease } });
    closing.push(after);
    const [delivered] = await smtp.waitForMail(1, 15_000);
    expect(delivered!.rcptTo).toEqual(['patient@stranded.test']);
    expect(delivered!.mail.messageId).toBe(`<${held._id}@doorway.test>`);
    await eventually(async () => (await jobOf(after, fixture.tenant._id, created.body.id)).state === 'sent', 10_000, 'the sent mark');
    const sent = await jobOf(after, fixture.tenant._id, created.body.id);
    expect(sent).toMatchObject({ state: 'sent', attempts: 2 });
    expect(sent.lockedBy).toBeUndefined();
    expect(await after.mailWorker!.drain()).toBe(0);
    expect(smtp.received).toHaveLength(1);
  });
});

describe('retry backoff', () => {
  it('doubles with each attempt and stops at the cap', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, 1000, 60_000, middle))).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(retryDelay(30, 1000, 60_000, middle)).toBe(60_000);
  });

  it('spreads retries by at most a fifth either way, never past the cap', () => {
    expect(retryDelay(3, 1000, 60_000, () => 0)).toBe(3200);
    expect(retryDelay(3, 1000, 60_000, () => 1)).toBe(4800);
    expect(retryDelay(10, 1000, 60_000, () => 1)).toBe(60_000);
  });
});
