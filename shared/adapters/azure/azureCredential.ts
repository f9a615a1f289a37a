import type { TokenCredential } from '@azure/core-auth';

/**
 * The app's own identity towards Azure services (Table Storage, Communication Services): the
 * user-assigned managed identity in Azure, the developer's Azure CLI sign-in elsewhere.
 * @azure/identity is loaded only here, on first use, so the local host and cold start never pay for it.
 */
export async function azureCredential(managedIdentityClientId: string | undefined): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  return managedIdentityClientId
    ? new identity.ManagedIdentityCredential({ clientId: managedIdentityClientId })
    : new identity.DefaultAzureCredential();
}
