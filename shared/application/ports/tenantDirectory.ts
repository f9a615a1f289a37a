/** What the service can learn about a customer tenant beyond the signed-in user's token. */
export interface TenantDirectory {
  /** The tenant's domain (e.g. `tailspin.onmicrosoft.com`), when known. */
  domainOf(tenantId: string): Promise<string | undefined>;
}
