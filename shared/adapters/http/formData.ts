import type { HttpRequest } from '@azure/functions';
import { DomainError, invalid } from '../../domain/domainError';
import { readLimited } from './requestBody';

/**
 * Reads an HTML form post, URL-encoded or multipart (file uploads), as FormData, so that repeated
 * fields (a group of checkboxes) and files keep their shape. A body larger than `maxBytes` is refused:
 * by its declared length before anything is read, and by what arrived when no length was declared
 * (a chunked post), as readJson and readForm do.
 */
export async function readFormData(request: HttpRequest, maxBytes: number): Promise<FormData> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^(?:application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
    throw new DomainError(
      'unsupportedMediaType',
      'UnsupportedMediaType',
      'Send the form as application/x-www-form-urlencoded or multipart/form-data.',
    );
  }
  const body = await readLimited(request, maxBytes);
  // The multipart boundary is in the content type, which is all the parser needs besides the bytes.
  try {
    return await new Response(body, { headers: { 'content-type': type } }).formData();
  } catch {
    // The parser refuses a body that is not the form its type says (no boundary, a cut or foreign body).
    throw invalid(
      'MalformedForm',
      'The form could not be read: its body is not the multipart/form-data or URL-encoded form its content type names. Send it again from the page.',
    );
  }
}

/** A form's text fields as a plain object; a repeated field becomes an array. */
export function formFields(form: FormData): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value !== 'string') continue;
    const earlier = fields[name];
    fields[name] = earlier === undefined ? value : [...(Array.isArray(earlier) ? earlier : [earlier]), value];
  }
  return fields;
}
