import { MAX_JSON_DEPTH, nestingDepth } from '../../../shared/adapters/http/requestBody';

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
