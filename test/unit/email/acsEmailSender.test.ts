import type { HttpClient, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { createHttpHeaders } from '@azure/core-rest-pipeline';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { AcsEmailSender, operationIdOf } from '../../../shared/adapters/email/acsEmailSender';
import { EmailSendFailed } from '../../../shared/application/ports/emailSender';

/**
 * The ACS adapter through the real @azure/communication-email client, with only the network replaced
 * (ACS cannot run here): what it sends, and how a repeated operation is answered.
 */
const ENDPOINT = 'https://acs-test.communication.azure.com';
const KEY = '0123456789abcdef0123456789abcdef';

const credential: TokenCredential = {
  getToken: (): Promise<AccessToken> =>
    Promise.resolve({ token: 'managed-identity-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/** Stands in for ACS: remembers operations by their Operation-Id, as ACS's repeatability does. */
class FakeAcs implements HttpClient {
  readonly requests: { method: string; url: string; headers: Record<string, string>; body: unknown }[] = [];
  readonly operations = new Map<string, string>();
  finalStatus = 'Succeeded';
  /** When set, ACS answers the send itself with this HTTP status (an error body). */
  postStatus: number | undefined;

  sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const headers = Object.fromEntries([...request.headers].map(([k, v]) => [k.toLowerCase(), v]));
    const body = typeof request.body === 'string' ? (JSON.parse(request.body) as unknown) : undefined;
    this.requests.push({ method: request.method, url: request.url, headers, body });
    const respond = (status: number, json: object, extra: Record<string, string> = {}) =>
      Promise.resolve<PipelineResponse>({
        request,
        status,
        headers: createHttpHeaders({ 'content-type': 'application/json', ...extra }),
        bodyAsText: JSON.stringify(json),
      });
    if (request.method === 'POST' && this.postStatus) {
      return respond(this.postStatus, {
        error: { code: 'BadRequest', message: 'recipient nobody@tailspin.example is not valid' },
      });
    }
    if (request.method === 'POST') {
      const id = headers['operation-id'] ?? 'none';
      this.operations.set(id, (this.operations.get(id) ?? '') + 'x');
      return respond(
        202,
        { id, status: 'Running' },
        {
          'operation-location': `${ENDPOINT}/emails/operations/${id}?api-version=2023-03-31`,
          'retry-after': '0',
        },
      );
    }
    const id = new URL(request.url).pathname.split('/').pop()!;
    return respond(200, {
      id,
      status: this.finalStatus,
      ...(this.finalStatus === 'Failed' ? { error: { code: 'x', message: 'mailbox unavailable' } } : {}),
    });
  }
}

const email = {
  idempotencyKey: KEY,
  to: 'admin@tailspin.example',
  subject: 'Contoso asks for your permission to register Windows devices',
  text: 'Hello',
  html: '<p>Hello</p>',
  language: 'de',
};

describe('ACS Email delivery', () => {
  it('when an email is sent, then ACS gets both parts, the sender, the language and the outbox ID as Operation-Id', async () => {
    const acs = new FakeAcs();
    const sender = new AcsEmailSender(ENDPOINT, credential, 'DoNotReply@x.azurecomm.net', {
      httpClient: acs,
    });

    const result = await sender.send(email);

    const post = acs.requests.find((r) => r.method === 'POST')!;
    expect(post.url).toMatch(/^https:\/\/acs-test\.communication\.azure\.com\/emails:send\?api-version=/);
    expect(post.headers['operation-id']).toBe('01234567-89ab-cdef-0123-456789abcdef');
    expect(post.headers.authorization).toBe('Bearer managed-identity-token');
    expect(post.body).toMatchObject({
      senderAddress: 'DoNotReply@x.azurecomm.net',
      recipients: { to: [{ address: 'admin@tailspin.example' }] },
      content: { subject: email.subject, plainText: 'Hello', html: '<p>Hello</p>' },
      headers: { 'Content-Language': 'de' },
    });
    expect(result).toEqual({ deliveryId: '01234567-89ab-cdef-0123-456789abcdef' });
  });

  it('when the same email is sent again, then the same Operation-Id goes out, which ACS answers with the first operation', async () => {
    const acs = new FakeAcs();
    const sender = new AcsEmailSender(ENDPOINT, credential, 'DoNotReply@x.azurecomm.net', {
      httpClient: acs,
    });

    await sender.send(email);
    await sender.send(email);

    expect([...acs.operations.keys()]).toEqual([operationIdOf(KEY)]);
  });

  it('when ACS reports the operation failed, then the send throws with its reason (and the outbox retries)', async () => {
    const acs = new FakeAcs();
    acs.finalStatus = 'Failed';
    const sender = new AcsEmailSender(ENDPOINT, credential, 'DoNotReply@x.azurecomm.net', {
      httpClient: acs,
    });

    await expect(sender.send(email)).rejects.toThrow(/mailbox unavailable|Failed/);
  });

  async function failureOf(acs: FakeAcs): Promise<EmailSendFailed> {
    const sender = new AcsEmailSender(ENDPOINT, credential, 'DoNotReply@x.azurecomm.net', {
      httpClient: acs,
      retryOptions: { maxRetries: 0 },
    });
    const error = await sender.send(email).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EmailSendFailed);
    return error as EmailSendFailed;
  }

  it.each([
    [400, 'MessageRefused', true],
    [422, 'MessageRefused', true],
    [429, 'TemporarilyRefused', false],
    [403, 'DeliveryFailed', false],
    [503, 'DeliveryServiceUnavailable', false],
  ] as const)(
    'when ACS answers the send with HTTP %i, then the failure is %s (permanent: %s)',
    async (status, code, permanent) => {
      const acs = new FakeAcs();
      acs.postStatus = status;

      const failure = await failureOf(acs);

      expect({ code: failure.code, permanent: failure.permanent }).toEqual({ code, permanent });
    },
  );

  it('when ACS reports the operation failed, then the failure is retried (the client gives no status to classify it by) and keeps its reason for operators', async () => {
    const acs = new FakeAcs();
    acs.finalStatus = 'Failed';

    const failure = await failureOf(acs);

    expect({ code: failure.code, permanent: failure.permanent }).toEqual({
      code: 'DeliveryServiceUnavailable',
      permanent: false,
    });
    expect(failure.message).toContain('mailbox unavailable');
  });
});
