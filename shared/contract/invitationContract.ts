import { z } from 'zod';
import type { CreatedInvitation } from '../application/invitations/createInvitation';
import { adminRoleName } from '../domain/invitations/adminRoles';
import { CustomerLanguageSchema } from '../domain/invitations/customerLanguage';
import { InvitationKindSchema } from '../domain/partners/partnerCapabilities';
import { Guid } from './common';

export const DelegatedAdminRequestSchema = z.strictObject({
  roles: z.array(Guid).min(1).max(20).describe('Entra role template IDs'),
  duration: z.string().describe('ISO 8601 duration from P1D to P2Y, e.g. P90D'),
});

export const CreateInvitationRequestSchema = z.strictObject({
  kind: InvitationKindSchema,
  delegatedAdmin: DelegatedAdminRequestSchema.optional(),
  customerEmail: z
    .email()
    .max(254)
    .optional()
    .describe(
      'When given, an invitation email (the partner, what is asked, the link, its expiry; plain text and HTML) is queued with the invitation and delivered once, with retries',
    ),
  customerLanguage: CustomerLanguageSchema.optional().describe(
    'Language of the invitation email: en, fr, de or he (right-to-left). Defaults to en. The consent page itself follows the browser (Accept-Language) and its language switcher',
  ),
  expiresInDays: z.number().int().min(1).max(365).optional().describe('Defaults to 90'),
});

const DelegatedAdminView = z
  .object({
    roles: z.array(z.object({ id: z.string(), name: z.string() })),
    duration: z.string(),
  })
  .nullable();

export const InvitationResponseSchema = z.object({
  id: z.string(),
  kind: InvitationKindSchema,
  url: z.url(),
  expiresAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  status: z.enum(['active', 'expired', 'withdrawn']),
  delegatedAdmin: DelegatedAdminView,
  customerEmail: z.string().nullable(),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
});

export const InvitationListSchema = z.object({ items: z.array(InvitationResponseSchema) });

export const InvitationIdParams = z.object({ id: Guid });

export function toInvitationResponse(
  created: CreatedInvitation,
  now: Date,
): z.infer<typeof InvitationResponseSchema> {
  const { invitation } = created;
  const status = invitation.withdrawnAt
    ? 'withdrawn'
    : new Date(invitation.expiresAt) <= now
      ? 'expired'
      : 'active';
  return {
    id: invitation.id,
    kind: invitation.kind,
    url: created.url,
    expiresAt: invitation.expiresAt,
    createdAt: invitation.createdAt,
    status,
    delegatedAdmin: invitation.delegatedAdmin && {
      roles: invitation.delegatedAdmin.roles.map((id) => ({ id, name: adminRoleName(id) })),
      duration: invitation.delegatedAdmin.duration,
    },
    customerEmail: invitation.customerEmail,
    warnings: [...created.warnings],
  };
}
