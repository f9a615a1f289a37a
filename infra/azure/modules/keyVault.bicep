// Key Vault for the app's secrets (the invitation link signing key and the browser session secret):
// RBAC authorization, soft delete, purge protection where asked for; the managed identity may read secrets, and the
// app settings refer to them with Key Vault references.
@description('Name of the Key Vault.')
param name string
@description('Azure region of the resources.')
param location string
@description('Tags added to every resource.')
param tags { *: string }

@description('Name of the Function App\'s managed identity: role assignment names are derived from it (known before deployment, unlike its principal ID).')
param identityName string

@description('Principal ID of the Function App\'s managed identity.')
param principalId string

@description('Purge protection: on for production, off for throw-away environments (see main.bicep).')
param purgeProtection bool

@secure()
@description('LINK_SIGNING_KEY value: 32 random bytes, base64.')
param linkSigningKey string

@secure()
@description('SESSION_SECRET value: 32 random bytes, base64.')
param sessionSecret string

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Once on, purge protection cannot be turned off, and the API refuses false: off means not set.
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource linkSigningKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'link-signing-key'
  properties: {
    value: linkSigningKey
    contentType: 'base64, 32 bytes'
  }
}

resource sessionSecretSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'session-secret'
  properties: {
    value: sessionSecret
    contentType: 'base64, 32 bytes'
  }
}

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource secretsUserRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identityName, keyVaultSecretsUser)
  scope: vault
  properties: {
    description: 'Key Vault Secrets User for the Function App\'s managed identity'
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

@description('Name of the Key Vault.')
output name string = vault.name
// Versionless secret URIs: a Key Vault reference without a version follows the latest version.
@description('Versionless URI of the link signing key secret.')
output linkSigningKeySecretUri string = linkSigningKeySecret.properties.secretUri
@description('Versionless URI of the session secret.')
output sessionSecretSecretUri string = sessionSecretSecret.properties.secretUri
