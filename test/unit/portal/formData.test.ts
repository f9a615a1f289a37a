import { HttpRequest } from '@azure/functions';
import { formFields, readFormData } from '../../../shared/adapters/http/formData';
import { refusal } from '../../support/inMemoryBatchPorts';

/** The portal's form reader: its size limit holds however the body arrives, and files keep their bytes. */
const URL_ENCODED = 'application/x-www-form-urlencoded';

function post(contentType: string, body: string, headers: Record<string, string> = {}): HttpRequest {
  return new HttpRequest({
    method: 'POST',
    url: 'http://localhost/api/portal/upload',
    headers: { 'content-type': contentType, ...headers },
    body: { string: body },
  });
}

describe('readFormData', () => {
  it('when a form declares a length above the limit, then it is refused as too large', async () => {
    const body = `csrf=${'a'.repeat(200)}`;

    const error = await refusal(readFormData(post(URL_ENCODED, body, { 'content-length': '205' }), 100));

    expect([error.kind, error.code]).toEqual(['tooLarge', 'PayloadTooLarge']);
  });

  it('when a form above the limit declares no length (a chunked post), then it is refused as too large', async () => {
    const error = await refusal(readFormData(post(URL_ENCODED, `csrf=${'a'.repeat(200)}`), 100));

    expect([error.kind, error.code]).toEqual(['tooLarge', 'PayloadTooLarge']);
  });

  it('when a multipart form with a file is read, then its repeated fields and the file bytes come back', async () => {
    const boundary = 'XyZ';
    const body = [
      `--${boundary}`,
      'content-disposition: form-data; name="roles"',
      '',
      'a',
      `--${boundary}`,
      'content-disposition: form-data; name="roles"',
      '',
      'b',
      `--${boundary}`,
      'content-disposition: form-data; name="file"; filename="devices.csv"',
      'content-type: text/csv',
      '',
      'Device serial number\r\nSN-1',
      `--${boundary}--`,
      '',
    ].join('\r\n');

    const form = await readFormData(post(`multipart/form-data; boundary=${boundary}`, body), 10_000);

    expect(formFields(form)).toEqual({ roles: ['a', 'b'] });
    const file = form.get('file');
    expect(file).toBeInstanceOf(Blob);
    expect(await (file as Blob).text()).toBe('Device serial number\r\nSN-1');
  });

  it('when the body is JSON, then it is refused as an unsupported media type', async () => {
    const error = await refusal(readFormData(post('application/json', '{}'), 100));

    expect(error.code).toBe('UnsupportedMediaType');
  });
});
