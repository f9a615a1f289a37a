// Key Vault for the app's secrets (the invitation link signing key and the browser session secret):
// RBAC authorization, soft delete with purge protection; the managed identity may read secrets, and the
// app settings refer to them with Key Vault references.
param name string
param location string
param tags object

@description('Principal ID of the Function App\'s managed identity.')
param principalId string

@secure()
@description('LINK_SIGNING_KEY value: 32 random bytes, base64.')
param linkSigningKey string

@secure()
@description('SESSION_SECRET value: 32 random bytes, base64.')
param sessionSecret string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
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
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource linkSigningKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'link-signing-key'
  properties: {
    value: linkSigningKey
    contentType: 'base64, 32 bytes'
  }
}

resource sessionSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'session-secret'
  properties: {
    value: sessionSecret
    contentType: 'base64, 32 bytes'
  }
}

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource secretsUserRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    description: 'Key Vault Secrets User for the Function App\'s managed identity'
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

output name string = vault.name
// Versionless secret URIs: a Key Vault reference without a version follows the latest version.
output linkSigningKeySecretUri string = linkSigningKeySecret.properties.secretUri
output sessionSecretSecretUri string = sessionSecretSecret.properties.secretUri
