import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Handlebars from 'handlebars';
import type {
  InvitationEmailContent,
  InvitationEmailRenderer,
  RenderedEmail,
} from '../../application/email/invitationEmailContent';
import { assetFolder } from '../web/assetFolder';
import { adminRoleLabel, partnerKindLabel } from '../web/localizedLabels';
import { directionOf } from '../web/locales';
import { translate } from '../web/messageCatalogs';
import { createTemplateEngine } from '../web/templateHelpers';

/**
 * The invitation email in the customer's language: a plain-text part and an HTML part from
 * ./templates (the HTML one escaped like the pages), with the same message catalogs as the pages.
 */
interface CompiledTemplates {
  readonly text: Handlebars.TemplateDelegate;
  readonly html: Handlebars.TemplateDelegate;
}

let compiled: CompiledTemplates | undefined;

function templates(): CompiledTemplates {
  if (compiled) return compiled;
  const dir = assetFolder('shared', 'adapters', 'email', 'templates');
  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
  compiled = {
    text: createTemplateEngine('text').compile(read('invitation.text.hbs'), { noEscape: true }),
    html: createTemplateEngine('html').compile(read('invitation.html.hbs')),
  };
  return compiled;
}

export const invitationEmailRenderer: InvitationEmailRenderer = {
  render(content: InvitationEmailContent): RenderedEmail {
    const locale = content.language;
    const subject = translate(locale, 'email.subject', { partner: content.partnerName });
    const model = {
      subject,
      dir: directionOf(locale),
      isOem: content.kind === 'oem-authorization',
      partnerName: content.partnerName,
      partnerKindLabel: partnerKindLabel(locale, content.partnerKind),
      providers: content.providerNames,
      providersPlural: content.providerNames.length > 1,
      roles: content.delegatedAdmin?.roles.map((role) => adminRoleLabel(locale, role)) ?? [],
      duration: content.delegatedAdmin?.duration ?? '',
      url: content.url,
      expiresAt: content.expiresAt,
    };
    const data = { locale };
    const { text, html } = templates();
    return {
      subject,
      text: tidyText(text({ ...model, locale }, { data })),
      html: html({ ...model, locale }, { data }),
    };
  },
};

/** Handlebars leaves the blank lines of its block tags: keep one empty line between paragraphs at most. */
function tidyText(text: string): string {
  return `${text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
