import Handlebars from 'handlebars';
import { message, messageParts, textOf } from './messageCatalogs';
import { formatDate, formatDuration, formatList, listParts } from './localeFormats';
import type { Locale } from './locales';
import { DEFAULT_LOCALE, isLocale } from './locales';

/**
 * The helpers every localized template uses. The language travels in Handlebars' @data (`locale`), so
 * partials and #each blocks see it without threading it through every model.
 *
 *   {{t "consent.intro" partner=(strong partnerName) domain=tenantDomain}}
 *
 * In HTML templates the catalog's text and every plain value are HTML-escaped; a value made by a helper
 * here (strong, strongList) is already-escaped markup and goes in as it is. In text templates (the
 * email's plain part) nothing is escaped and the markup helpers produce plain text.
 */
export type TemplateMode = 'html' | 'text';

interface HelperOptions {
  readonly hash: Record<string, unknown>;
  readonly data?: { readonly locale?: unknown; readonly root?: { readonly locale?: unknown } };
}

export function localeOf(options: HelperOptions): Locale {
  const fromData = options.data?.locale ?? options.data?.root?.locale;
  return isLocale(fromData) ? fromData : DEFAULT_LOCALE;
}

export function createTemplateEngine(mode: TemplateMode): typeof Handlebars {
  const engine = Handlebars.create();
  const escape = mode === 'html' ? (s: string) => Handlebars.Utils.escapeExpression(s) : (s: string) => s;
  const markup = (html: string) => new Handlebars.SafeString(html);
  const valueOf = (value: unknown): string =>
    value instanceof Handlebars.SafeString ? value.toString() : escape(textOf(value, ''));

  engine.registerHelper('eq', (a: unknown, b: unknown) => a === b);

  engine.registerHelper('t', (key: unknown, options: HelperOptions) => {
    if (typeof key !== 'string') throw new Error('{{t}} needs a message key');
    const text = messageParts(message(localeOf(options), key))
      .map((part) =>
        part.param === undefined
          ? escape(part.text)
          : part.param in options.hash
            ? valueOf(options.hash[part.param])
            : escape(part.text),
      )
      .join('');
    return markup(text);
  });

  // Names and domains are isolated (<bdi>) so that a Latin name inside a Hebrew sentence keeps its order.
  engine.registerHelper('strong', (value: unknown) =>
    markup(mode === 'html' ? `<strong><bdi>${valueOf(value)}</bdi></strong>` : valueOf(value)),
  );
  engine.registerHelper('bdi', (value: unknown) =>
    markup(mode === 'html' ? `<bdi>${valueOf(value)}</bdi>` : valueOf(value)),
  );

  engine.registerHelper('strongList', (items: unknown, options: HelperOptions) => {
    const values = Array.isArray(items) ? items.map(String) : [];
    const parts = listParts(localeOf(options), values).map((part) =>
      part.type === 'element' && mode === 'html'
        ? `<strong><bdi>${escape(part.value)}</bdi></strong>`
        : escape(part.value),
    );
    return markup(parts.join(''));
  });

  engine.registerHelper('list', (items: unknown, options: HelperOptions) =>
    formatList(localeOf(options), Array.isArray(items) ? items.map(String) : []),
  );
  engine.registerHelper('date', (iso: unknown, options: HelperOptions) =>
    typeof iso === 'string' && iso ? formatDate(localeOf(options), iso) : '',
  );
  engine.registerHelper('duration', (iso: unknown, options: HelperOptions) =>
    typeof iso === 'string' ? formatDuration(localeOf(options), iso) : '',
  );
  return engine;
}

/** Message keys a template names literally ({{t "key"}} or (t "key")), for checking them against catalogs. */
export function messageKeysIn(templateSource: string): string[] {
  return [...templateSource.matchAll(/[{(]\s*t\s+["']([\w.-]+)["']/g)].map((m) => m[1]!);
}
