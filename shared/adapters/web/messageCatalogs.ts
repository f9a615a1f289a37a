import { readFileSync } from 'node:fs';
import path from 'node:path';
import { assetFolder } from './assetFolder';
import type { Locale } from './locales';
import { DEFAULT_LOCALE, LOCALES } from './locales';

/**
 * The message catalogs: one JSON file per language in ./locales, nested objects of strings, addressed by
 * dotted keys ("consent.accept"). Placeholders are written {name}. Every catalog has exactly the keys of
 * every other (a unit test holds them to it); a key missing at run time falls back to English, then to
 * the key itself, so a page never fails to render over a missing sentence.
 */
export type Catalog = ReadonlyMap<string, string>;

export function localeDir(): string {
  return assetFolder('shared', 'adapters', 'web', 'locales');
}

/** Reads one catalog file into dotted keys; anything but nested objects of strings is refused. */
export function readCatalogFile(file: string): Catalog {
  const entries = new Map<string, string>();
  const walk = (node: unknown, prefix: string) => {
    if (typeof node === 'string') {
      entries.set(prefix, node);
      return;
    }
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      throw new Error(`${file}: "${prefix}" must be a string or an object of strings`);
    }
    for (const [key, value] of Object.entries(node)) walk(value, prefix ? `${prefix}.${key}` : key);
  };
  walk(JSON.parse(readFileSync(file, 'utf8')) as unknown, '');
  return entries;
}

let loaded: ReadonlyMap<Locale, Catalog> | undefined;

export function catalogs(): ReadonlyMap<Locale, Catalog> {
  if (loaded) return loaded;
  const dir = localeDir();
  loaded = new Map(LOCALES.map((locale) => [locale, readCatalogFile(path.join(dir, `${locale}.json`))]));
  return loaded;
}

export function message(locale: Locale, key: string): string {
  const all = catalogs();
  return all.get(locale)?.get(key) ?? all.get(DEFAULT_LOCALE)?.get(key) ?? key;
}

export function hasMessage(locale: Locale, key: string): boolean {
  return catalogs().get(locale)?.has(key) ?? false;
}

/** The {name} placeholders a message uses, for checking translations against the English text. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
}

export interface MessagePart {
  readonly text: string;
  /** Set when this part is the value of a placeholder rather than the catalog's own text. */
  readonly param?: string;
}

/** Splits a message into its literal text and its placeholders, so each can be escaped as it needs. */
export function messageParts(text: string): MessagePart[] {
  const parts: MessagePart[] = [];
  let last = 0;
  for (const match of text.matchAll(/\{(\w+)\}/g)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ text: match[0], param: match[1]! });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** A message with plain-text values: for titles, labels and other text that is not HTML. */
export function translate(locale: Locale, key: string, params: Record<string, unknown> = {}): string {
  return messageParts(message(locale, key))
    .map((part) => (part.param === undefined ? part.text : textOf(params[part.param], part.text)))
    .join('');
}

/** A placeholder's value as text: strings and numbers as they are; a missing value leaves {name} visible. */
export function textOf(value: unknown, missing: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${value}`;
  return missing;
}

export type Translator = (key: string, params?: Record<string, unknown>) => string;

export const translator =
  (locale: Locale): Translator =>
  (key, params) =>
    translate(locale, key, params);
