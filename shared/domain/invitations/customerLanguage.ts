import { z } from 'zod';

/**
 * The languages a customer can be written to in, and the consent pages speak: English, French, German
 * and Hebrew (the languages of the source documents). English when nothing else is known.
 */
export const CUSTOMER_LANGUAGES = ['en', 'fr', 'de', 'he'] as const;
export const CustomerLanguageSchema = z.enum(CUSTOMER_LANGUAGES);
export type CustomerLanguage = z.infer<typeof CustomerLanguageSchema>;
export const DEFAULT_CUSTOMER_LANGUAGE: CustomerLanguage = 'en';
