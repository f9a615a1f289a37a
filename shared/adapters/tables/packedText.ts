/**
 * Long text stored across an entity's string properties p0..pN. Azure counts a string property's size
 * in UTF-16 (at most 64 KiB, so 32,767 characters) and an entity's at most 1 MiB, so a part holds
 * 30,000 characters and an entity at most MAX_PACKED_PROPERTIES of them.
 */
export const PACKED_PROPERTY_CHARS = 30_000;
export const MAX_PACKED_PROPERTIES = 14;
export const MAX_PACKED_CHARS = PACKED_PROPERTY_CHARS * MAX_PACKED_PROPERTIES;

export function toPackedProperties(text: string): Record<string, string> {
  if (text.length > MAX_PACKED_CHARS) {
    throw new RangeError(`packed text of ${text.length} characters exceeds ${MAX_PACKED_CHARS}`);
  }
  const properties: Record<string, string> = {};
  for (let p = 0; p * PACKED_PROPERTY_CHARS < text.length; p++) {
    properties[`p${p}`] = text.slice(p * PACKED_PROPERTY_CHARS, (p + 1) * PACKED_PROPERTY_CHARS);
  }
  return properties;
}

export function fromPackedProperties(row: Readonly<Record<string, unknown>>): string {
  let text = '';
  for (let p = 0; typeof row[`p${p}`] === 'string'; p++) text += row[`p${p}`] as string;
  return text;
}
