import type { ZodError } from 'zod';
import type { DomainError } from '../../domain/domainError';

/**
 * The portal's invitation form as it is shown again after a refusal: what the partner entered, and each
 * reason beside its field. Messages are the portal's own, naming what to pick, rather than the schema's
 * ("Invalid option: expected one of ...") which speak to API clients.
 */
export type InvitationField = 'kind' | 'roles' | 'duration' | 'customerEmail' | 'customerLanguage';

export interface InvitationFormError {
  readonly message: string;
  readonly code: string;
}

/** Per field; `form` is a reason that belongs to no one field. */
export type InvitationFormErrors = Partial<Record<InvitationField | 'form', InvitationFormError>>;

export interface InvitationFormState {
  readonly roles: readonly string[];
  readonly duration: string;
  readonly customerEmail: string;
  readonly customerLanguage: string;
  readonly errors: InvitationFormErrors;
}

export const EMPTY_INVITATION_FORM: InvitationFormState = {
  roles: [],
  duration: 'P90D',
  customerEmail: '',
  customerLanguage: 'en',
  errors: {},
};

const FIELD_MESSAGES: Readonly<Record<InvitationField, string>> = {
  kind: 'Choose what to ask the customer for.',
  roles: 'Pick delegated admin roles from the list, or none.',
  duration: 'Choose one of the listed durations, from 30 days to 2 years.',
  customerEmail: 'Enter an email address such as admin@contoso.com, or leave the field empty.',
  customerLanguage: 'Choose one of the listed languages.',
};

const isField = (name: unknown): name is InvitationField =>
  typeof name === 'string' && Object.hasOwn(FIELD_MESSAGES, name);

/** The schema's refusal, per field (the same stable code as the API's: ValidationFailed). */
export function invitationFormErrors(error: ZodError): InvitationFormErrors {
  const errors: InvitationFormErrors = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    const key = isField(field) ? field : 'form';
    errors[key] ??= {
      message: isField(field) ? FIELD_MESSAGES[field] : issue.message,
      code: 'ValidationFailed',
    };
  }
  return errors;
}

/** A domain rule's refusal (an unknown role, a duration out of range), beside the field it names. */
export function invitationRuleError(error: DomainError): InvitationFormErrors {
  const named = typeof error.details.field === 'string' ? error.details.field : '';
  const field = named.endsWith('duration')
    ? 'duration'
    : named.startsWith('delegatedAdmin')
      ? 'roles'
      : 'form';
  return { [field]: { message: error.message, code: error.code } };
}

/** What the partner entered, as the form shows it again. */
export function invitationFormState(
  entered: Readonly<Record<string, string | string[]>>,
  errors: InvitationFormErrors,
): InvitationFormState {
  const text = (name: string, fallback: string) => {
    const value = entered[name];
    return typeof value === 'string' ? value : fallback;
  };
  const roles = entered.roles;
  return {
    roles: roles === undefined ? [] : Array.isArray(roles) ? roles : [roles],
    duration: text('duration', EMPTY_INVITATION_FORM.duration),
    customerEmail: text('customerEmail', ''),
    customerLanguage: text('customerLanguage', EMPTY_INVITATION_FORM.customerLanguage),
    errors,
  };
}
