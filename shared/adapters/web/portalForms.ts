import { z } from 'zod';
import { Guid } from '../../contract/common';
import { BATCH_ID_PATTERN, DEVICE_ERROR_CODES } from '../../domain/devices';
import { CustomerLanguageSchema } from '../../domain/invitations/customerLanguage';
import { PartnerIdSchema } from '../../domain/partners/partner';
import { DEFAULT_MAX_CSV_BYTES } from '../csv/deviceCsvReader';
import { InvitationKindSchema } from '../../domain/partners/partnerCapabilities';
import { DeviceOutcomeStatusSchema } from '../../domain/batches/deviceOutcome';

/**
 * The partner portal's form posts, parsed like every other input; a bad field is a 400 naming it. Their
 * CSRF token is checked before parsing (readPortalForm), so the schemas leave it out.
 */
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();
const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

export const DELEGATION_DURATIONS = [
  { value: 'P30D', label: '30 days' },
  { value: 'P90D', label: '90 days' },
  { value: 'P180D', label: '180 days' },
  { value: 'P1Y', label: '1 year' },
  { value: 'P2Y', label: '2 years' },
] as const;

/** The invitation email's languages, as the form offers them (each named in its own language). */
export const INVITATION_EMAIL_LANGUAGES = [
  { value: 'en', label: 'English', lang: 'en' },
  { value: 'fr', label: 'Français', lang: 'fr' },
  { value: 'de', label: 'Deutsch', lang: 'de' },
  { value: 'he', label: 'עברית', lang: 'he' },
] as const;

export const InvitationFormSchema = z.object({
  kind: InvitationKindSchema,
  roles: list,
  duration: z.enum(DELEGATION_DURATIONS.map((d) => d.value)).default('P90D'),
  customerEmail: optionalText.pipe(z.email('is not an email address').optional()),
  customerLanguage: optionalText.pipe(CustomerLanguageSchema.optional()),
});

/** A form that is only a button (withdraw, confirm): nothing to parse beyond its CSRF token. */
export const ButtonFormSchema = z.object({});

export const UploadFormSchema = z.object({ tenantId: Guid });

export const UploadIdParams = z.object({ uploadId: z.string().regex(/^[0-9a-f]{64}$/, 'not an upload ID') });

/** A CSV of the largest size the reader accepts, plus room for the form around it. */
export const MAX_UPLOAD_FORM_BYTES = DEFAULT_MAX_CSV_BYTES + 1024 * 1024;

export const PortalBatchParams = z.object({
  tenantId: Guid,
  partnerId: PartnerIdSchema,
  batchId: z.string().regex(BATCH_ID_PATTERN, 'not a valid batchId'),
});

const emptyAsAbsent = (v: unknown) => (v === '' ? undefined : v);

/** The batch page's filters and paging (a GET form, so a filtered view can be bookmarked). */
export const PortalDeviceQuerySchema = z.object({
  status: z.preprocess(emptyAsAbsent, DeviceOutcomeStatusSchema.optional()),
  errorCode: z.preprocess(emptyAsAbsent, z.enum(DEVICE_ERROR_CODES).optional()),
  from: z.coerce.number().int().min(0).default(0),
});
