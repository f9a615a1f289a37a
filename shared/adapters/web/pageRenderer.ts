import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { assetFolder } from './assetFolder';
import type { LanguageLink } from './pageLocale';
import type { Locale } from './locales';
import { DEFAULT_LOCALE, directionOf } from './locales';
import { createTemplateEngine } from './templateHelpers';

/**
 * Server-rendered pages: Handlebars templates from ./templates, HTML-escaped by default; every page is
 * wrapped in layout.hbs. Templates are compiled once per process. Pages speak the frame's `locale`
 * (English when a page passes none) through the `t` helper and the catalogs in ./locales.
 */
let compiled: Map<string, Handlebars.TemplateDelegate> | undefined;

function templates(): Map<string, Handlebars.TemplateDelegate> {
  if (compiled) return compiled;
  const dir = assetFolder('shared', 'adapters', 'web', 'templates');
  const engine = createTemplateEngine('html');
  compiled = new Map();
  const files = readdirSync(dir).filter((f) => f.endsWith('.hbs'));
  // A file named _<name>.hbs is a piece shared by several pages: {{> <name>}}.
  for (const file of files.filter((f) => f.startsWith('_'))) {
    engine.registerPartial(file.slice(1, -'.hbs'.length), readFileSync(path.join(dir, file), 'utf8'));
  }
  for (const file of files.filter((f) => !f.startsWith('_'))) {
    compiled.set(
      file.replace(/\.hbs$/, ''),
      engine.compile(readFileSync(path.join(dir, file), 'utf8'), { strict: false }),
    );
  }
  return compiled;
}

/** What the header's sign-out form posts: the session's CSRF token, and the page to sign in to again. */
export interface SignOutForm {
  readonly csrf: string;
  readonly returnTo: string;
}

export interface PageFrame {
  readonly title: string;
  readonly signedInAs?: string | undefined;
  /** Where to go to sign in with another account (a refusal often asks for one). */
  readonly switchAccountUrl?: string | undefined;
  /** The header's sign-out form, for a visitor signed in by the session cookie (see signOutForm). */
  readonly signOut?: SignOutForm | undefined;
  readonly wide?: boolean;
  /** The page's language; English when absent. */
  readonly locale?: Locale | undefined;
  /** The language switcher's links (see pageLocale); no switcher when absent. */
  readonly languageLinks?: readonly LanguageLink[] | undefined;
}

export function renderPage(name: string, frame: PageFrame, model: object): string {
  const all = templates();
  const page = all.get(name);
  const layout = all.get('layout');
  if (!page || !layout) throw new Error(`No template "${name}"`);
  const locale = frame.locale ?? DEFAULT_LOCALE;
  const data = { locale };
  return layout(
    { ...frame, locale, dir: directionOf(locale), body: new Handlebars.SafeString(page(model, { data })) },
    { data },
  );
}

export function htmlResponse(status: number, html: string, headers: Record<string, string> = {}) {
  return {
    status,
    body: html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy':
        "default-src 'none'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      ...headers,
    },
  };
}
