import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiClient } from '../support/apiClient';
import type { LocalHostProcess } from '../support/localHostProcess';
import { startLocalHostProcess } from '../support/localHostProcess';
import { parseMessage } from '../support/mimeMessage';

/**
 * Invitation emails on the local host: the API call queues the email with the invitation, the
 * durable orchestration delivers it outside the request, as one .eml file, and the host prints its link.
 */
let host: LocalHostProcess;
let api: ApiClient;
let outbox: string;

beforeAll(async () => {
  outbox = mkdtempSync(path.join(os.tmpdir(), 'e2e-outbox-'));
  host = await startLocalHostProcess({ env: { EMAIL_OUTBOX_DIR: outbox } });
  api = new ApiClient(host.baseUrl);
}, 90_000);

afterAll(async () => {
  await host?.stop();
});

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}\n${host.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const emlFiles = () => readdirSync(outbox).filter((f) => f.endsWith('.eml'));

describe('invitation email on the local host', () => {
  it('when a partner creates an invitation with customerEmail, then exactly one message in the asked language reaches the outbox folder and the link is printed', async () => {
    const token = await api.partnerToken('contoso-direct');
    const res = await api.request<{ id: string; url: string }>('POST', '/api/v1/invitations', {
      token,
      json: {
        kind: 'reseller-relationship',
        delegatedAdmin: { roles: ['3a2c62db-5318-420d-8d74-23affee5d9d5'], duration: 'P30D' },
        customerEmail: 'admin@e2e-customer.example',
        customerLanguage: 'de',
      },
    });
    expect(res.status).toBe(201);

    const file = await until('the .eml file', () => emlFiles()[0]);
    const printed = await until('the printed link', () =>
      host.output().includes(`invitation email to admin@e2e-customer.example (de): ${res.body.url}`)
        ? true
        : undefined,
    );
    expect(printed).toBe(true);

    const message = parseMessage(readFileSync(path.join(outbox, file), 'utf8'));
    expect(message.header('to')).toBe('admin@e2e-customer.example');
    expect(message.header('subject')).toBe(
      'Contoso Direct bittet um Ihre Zustimmung, Windows-Geräte zu registrieren',
    );
    expect(message.header('content-language')).toBe('de');
    expect(message.text).toContain(res.body.url);
    expect(message.text).toContain('Intune-Administrator');
    expect(message.text).toContain('30 Tage');
    expect(message.html).toContain(`href='${res.body.url}'`);
    // The orchestration has finished with the email sent: nothing else is on its way.
    expect(emlFiles()).toEqual([file]);
    expect(host.output().split('invitation email to admin@e2e-customer.example').length - 1).toBe(1);
  });
});
