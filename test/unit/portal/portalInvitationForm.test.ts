import { InvitationFormSchema } from '../../../shared/adapters/web/portalForms';
import {
  invitationFormErrors,
  invitationFormState,
  invitationRuleError,
} from '../../../shared/adapters/web/portalInvitationForm';
import { invalid } from '../../../shared/domain/domainError';

/** The invitation form shown again after a refusal: the input as entered, each reason by its field. */
describe('portal invitation form', () => {
  it('when the schema refuses the duration and the email, then each gets the portal’s reason by its field and the input is kept', () => {
    const entered = { kind: 'reseller-relationship', roles: 'r1', duration: 'P5Y', customerEmail: 'nope' };
    const parsed = InvitationFormSchema.safeParse(entered);
    if (parsed.success) throw new Error('expected a refusal');

    const state = invitationFormState(entered, invitationFormErrors(parsed.error));

    expect(state).toEqual({
      roles: ['r1'],
      duration: 'P5Y',
      customerEmail: 'nope',
      customerLanguage: 'en',
      errors: {
        duration: { code: 'ValidationFailed', message: expect.stringContaining('listed durations') },
        customerEmail: { code: 'ValidationFailed', message: expect.stringContaining('email address') },
      },
    });
  });

  it('when a rule refuses the roles, the duration or something else, then the reason goes by the field it names, or above the form', () => {
    const byRule = (field?: string) =>
      invitationRuleError(invalid('Code', 'Why.', field === undefined ? undefined : { field }));

    expect(byRule('delegatedAdmin.roles')).toEqual({ roles: { code: 'Code', message: 'Why.' } });
    expect(byRule('delegatedAdmin.duration')).toEqual({ duration: { code: 'Code', message: 'Why.' } });
    expect(byRule()).toEqual({ form: { code: 'Code', message: 'Why.' } });
  });
});
