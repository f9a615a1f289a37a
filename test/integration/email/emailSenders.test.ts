import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { EmlFileEmailSender } from '../../../shared/adapters/email/emlFileEmailSender';
import { SmtpEmailSender } from '../../../shared/adapters/email/smtpEmailSender';
import type { OutgoingEmail } from '../../../shared/application/ports/emailSender';
import { parseMessage } from '../../support/mimeMessage';

/** The local adapters against the real thing: an SMTP server on a loopback port, and files on disk. */
const email = (overrides: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  idempotencyKey: '0123456789abcdef0123456789abcdef',
  to: 'admin@tailspin.example',
  subject: 'Contoso asks for your permission to register Windows devices',
  text: 'Hello,\n\nhttp://localhost:7071/api/consent/contoso.a.b\n',
  html: "<p>Hello,</p><p><a href='http://localhost:7071/api/consent/contoso.a.b'>Review</a></p>",
  language: 'fr',
  ...overrides,
});

describe('SMTP delivery (a real smtp-server on loopback)', () => {
  const received: { from: string; to: string[]; raw: string }[] = [];
  let server: SMTPServer;
  let url: string;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('when an email is sent, then the server receives one message with both parts, its language and a stable Message-ID', async () => {
    const sender = new SmtpEmailSender(url, 'DoNotReply@consent.example');

    const { deliveryId } = await sender.send(email());
    sender.close();

    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ from: 'DoNotReply@consent.example', to: ['admin@tailspin.example'] });
    const parsed = parseMessage(received[0]!.raw);
    expect(parsed.header('message-id')).toBe('<invitation-0123456789abcdef0123456789abcdef@consent.example>');
    expect(deliveryId).toBe(parsed.header('message-id'));
    expect(parsed.header('content-language')).toBe('fr');
    expect(parsed.text).toContain('http://localhost:7071/api/consent/contoso.a.b');
    expect(parsed.html).toContain("href='http://localhost:7071/api/consent/contoso.a.b'");
  });
});

describe('.eml files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'outbox-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('when an email is written, then <id>.eml is a complete MIME message with both parts', async () => {
    const sender = new EmlFileEmailSender(dir, 'DoNotReply@consent.example');

    const { deliveryId } = await sender.send(email({ language: 'he', subject: 'Contoso מבקש את הסכמתך' }));

    expect(deliveryId).toBe(path.join(dir, '0123456789abcdef0123456789abcdef.eml'));
    const parsed = parseMessage(await readFile(deliveryId, 'utf8'));
    expect(parsed.header('subject')).toBe('Contoso מבקש את הסכמתך');
    expect(parsed.header('to')).toBe('admin@tailspin.example');
    expect(parsed.header('content-language')).toBe('he');
    expect(parsed.text).toContain('/api/consent/contoso.a.b');
    expect(parsed.html).toContain('Review');
  });

  it('when the same email is written again, then the first file stays as it was and no second file appears', async () => {
    const sender = new EmlFileEmailSender(dir, 'DoNotReply@consent.example');
    const first = await sender.send(email({ subject: 'first' }));
    const before = await readFile(first.deliveryId, 'utf8');

    const second = await sender.send(email({ subject: 'second' }));

    expect(second.deliveryId).toBe(first.deliveryId);
    expect(await readFile(first.deliveryId, 'utf8')).toBe(before);
    expect(await readdir(dir)).toEqual(['0123456789abcdef0123456789abcdef.eml']);
  });
});
