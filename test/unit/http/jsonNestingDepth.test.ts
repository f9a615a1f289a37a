import { HttpRequest } from '@azure/functions';
import { MAX_JSON_DEPTH, nestingDepth, parseJsonBody } from '../../../shared/adapters/http/requestBody';

const depth = (text: string) => nestingDepth(Buffer.from(text, 'utf8'));

describe('nestingDepth', () => {
  it('when JSON nests arrays and objects, then it is the deepest level, whatever the order of closing', () => {
    expect(depth('1')).toBe(0);
    expect(depth('{"batchId":"b","devices":[{"productKey":"1"}]}')).toBe(3);
    expect(depth('[[],[[{}]],[]]')).toBe(4);
    expect(depth(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`)).toBe(
      MAX_JSON_DEPTH + 1,
    );
  });

  it('when brackets are inside strings, escaped quotes included, then they do not count', () => {
    expect(depth('{"a":"[[[{{{"}')).toBe(1);
    expect(depth('{"a":"say \\"[[[\\" ok","b":["\\\\"]}')).toBe(2);
    expect(depth('["é[", "日本[["]')).toBe(1);
  });
});

describe('parseJsonBody (the JSON of every route family, ours and Partner Center’s)', () => {
  const request = (type: string) =>
    new HttpRequest({ url: 'http://localhost/v1/x', method: 'POST', headers: { 'content-type': type } });
  const code = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return (error as { code?: string }).code;
    }
    return 'accepted';
  };

  it('when a body nests 20,000 levels, then it is refused as too deep before anything walks it', () => {
    const body = Buffer.from(`{"Devices":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    expect(code(() => parseJsonBody(request('application/json'), body))).toBe('JsonNestedTooDeeply');
  });

  it('when a body starts with a byte-order mark, then it reads as the JSON after it; when it is not JSON, then it is refused by content type or form', () => {
    expect(
      parseJsonBody(request('application/json; charset=utf-8'), Buffer.from('\uFEFF{"BatchId":"b"}')),
    ).toEqual({ BatchId: 'b' });
    expect(code(() => parseJsonBody(request('text/plain'), Buffer.from('{}')))).toBe('UnsupportedMediaType');
    expect(code(() => parseJsonBody(request('application/json'), Buffer.from('{"a":')))).toBe(
      'MalformedJson',
    );
  });
});
