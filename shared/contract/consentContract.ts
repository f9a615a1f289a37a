import { z } from 'zod';

/** The consent form: `consent=yes` is the ticked "Yes" box; `includeDelegatedAdmin=true` keeps DAP. */
export const AcceptFormSchema = z.object({
  consent: z
    .string()
    .optional()
    .transform((v) => v === 'yes' || v === 'on'),
  includeDelegatedAdmin: z
    .string()
    .optional()
    .transform((v) => v === 'true' || v === 'on'),
  csrf: z.string().optional(),
});

export const ConsentTokenParams = z.object({ token: z.string().max(300) });
