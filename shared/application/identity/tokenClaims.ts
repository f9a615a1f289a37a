import { z } from 'zod';

/** The claims the service reads from a verified token, whichever issuer signed it (Entra's names). */
export const TokenClaimsSchema = z.object({
  tid: z.string().min(1),
  oid: z.string().min(1).optional(),
  sub: z.string().min(1),
  upn: z.string().optional(),
  preferred_username: z.string().optional(),
  name: z.string().optional(),
  wids: z.array(z.string()).optional(),
  idtyp: z.string().optional(),
  azp: z.string().optional(),
  appid: z.string().optional(),
  /** 0 a member of the token's tenant, 1 a guest (optional claim; v1 tokens send it as a string). */
  acct: z.coerce.number().int().optional(),
  /** The identity provider that authenticated the user, when it is not the token's tenant. */
  idp: z.string().optional(),
});
export type TokenClaims = z.infer<typeof TokenClaimsSchema>;

export interface TokenVerifier {
  /** Verifies signature, issuer, audience and lifetime; throws DomainError 'unauthenticated' otherwise. */
  verify(token: string): Promise<TokenClaims>;
}
