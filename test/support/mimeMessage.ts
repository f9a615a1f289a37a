/**
 * Just enough MIME reading for tests to look inside the messages nodemailer builds (headers, RFC 2047
 * encoded words, multipart/alternative, quoted-printable and base64 bodies). Not a general parser.
 */
export interface ParsedMessage {
  header(name: string): string | undefined;
  readonly text: string | undefined;
  readonly html: string | undefined;
}

function splitHead(raw: string): { head: string; body: string } {
  const normalized = raw.replace(/\r\n/g, '\n');
  const at = normalized.indexOf('\n\n');
  return at < 0
    ? { head: normalized, body: '' }
    : { head: normalized.slice(0, at), body: normalized.slice(at + 2) };
}

function headersOf(head: string): Map<string, string> {
  const unfolded = head.replace(/\n[ \t]+/g, ' ');
  const map = new Map<string, string>();
  for (const line of unfolded.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      map.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  return map;
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : fromQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function fromQuotedPrintable(text: string): string {
  const latin1 = text
    .replace(/=\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

function bodyOf(headers: Map<string, string>, body: string): string {
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return fromQuotedPrintable(body);
  return body;
}

export function parseMessage(raw: string): ParsedMessage {
  const { head, body } = splitHead(raw);
  const headers = headersOf(head);
  const parts: { type: string; content: string }[] = [];
  const collect = (partHeaders: Map<string, string>, partBody: string) => {
    const type = partHeaders.get('content-type') ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (!boundary) {
      parts.push({ type: type.split(';')[0]!.trim().toLowerCase(), content: bodyOf(partHeaders, partBody) });
      return;
    }
    for (const chunk of partBody.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      const inner = splitHead(chunk.replace(/^\n/, ''));
      collect(headersOf(inner.head), inner.body);
    }
  };
  collect(headers, body);
  return {
    header: (name) => headers.get(name.toLowerCase()),
    text: parts.find((p) => p.type === 'text/plain')?.content,
    html: parts.find((p) => p.type === 'text/html')?.content,
  };
}
