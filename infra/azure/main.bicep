// The partner consent service in Azure: one resource group per azd environment holding a Function App
// on the Flex Consumption plan, its storage (shared keys off), Application Insights, Key Vault and
// Azure Communication Services Email. Every connection uses the app's user-assigned managed identity.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('Name of the azd environment (AZURE_ENV_NAME); names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region for every regional resource (AZURE_LOCATION).')
param location string

@minLength(1)
@description('Application (client) ID of the multi-tenant Entra ID app registration that the API validates tokens for.')
param entraClientId string

@description('Expected audience (aud) of bearer tokens: the app registration\'s application ID URI.')
param tokenAudience string = 'api://partner-consent'

@description('Where Azure Communication Services and its email service keep data at rest.')
param emailDataLocation string = 'United States'

@description('Upper bound of Flex Consumption instances.')
@maxValue(1000)
param maximumInstanceCount int = 100

@secure()
@description('LINK_SIGNING_KEY: 32 random bytes, base64. The azd preprovision hook (azure.yaml) makes one per environment.')
param linkSigningKey string

@secure()
@description('SESSION_SECRET: 32 random bytes, base64. The azd preprovision hook (azure.yaml) makes one per environment.')
param sessionSecret string

@description('Key Vault purge protection. On (the default) for production: a deleted vault and its secrets cannot be purged for 90 days, so the environment name cannot be provisioned again until the vault is recovered. Off for throw-away environments: `azd down --purge` then removes the vault for good and `azd up` can reuse the name.')
param keyVaultPurgeProtection bool = true

@description('Tags added to every resource.')
param tags { *: string } = {}

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var allTags = union(tags, {
  'azd-env-name': environmentName
})
var functionAppName = 'func-${resourceToken}'
// Known before deployment, unlike the identity's principal ID: role assignment names are derived from it,
// so What-If can predict them.
var identityName = 'id-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: allTags
}

module identity 'modules/identity.bicep' = {
  scope: rg
  params: {
    name: identityName
    location: location
    tags: allTags
  }
}

module storage 'modules/storage.bicep' = {
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: allTags
    identityName: identityName
    principalId: identity.outputs.principalId
    deploymentContainerName: 'app-package-${resourceToken}'
  }
}

module monitoring 'modules/monitoring.bicep' = {
  scope: rg
  params: {
    workspaceName: 'log-${resourceToken}'
    appInsightsName: 'appi-${resourceToken}'
    location: location
    tags: allTags
    identityName: identityName
    principalId: identity.outputs.principalId
  }
}

module keyVault 'modules/keyVault.bicep' = {
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: allTags
    identityName: identityName
    principalId: identity.outputs.principalId
    purgeProtection: keyVaultPurgeProtection
    linkSigningKey: linkSigningKey
    sessionSecret: sessionSecret
  }
}

module email 'modules/email.bicep' = {
  scope: rg
  params: {
    emailServiceName: 'ecs-${resourceToken}'
    communicationServiceName: 'acs-${resourceToken}'
    dataLocation: emailDataLocation
    tags: allTags
    identityName: identityName
    principalId: identity.outputs.principalId
  }
}

module functionApp 'modules/functionApp.bicep' = {
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: allTags
    maximumInstanceCount: maximumInstanceCount
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.connectionString
    linkSigningKeySecretUri: keyVault.outputs.linkSigningKeySecretUri
    sessionSecretSecretUri: keyVault.outputs.sessionSecretSecretUri
    communicationServiceEndpoint: email.outputs.endpoint
    emailSenderAddress: email.outputs.senderAddress
    entraClientId: entraClientId
    tokenAudience: tokenAudience
  }
}

// azd stores every output in the environment (`azd env get-values`).
@description('Region of every regional resource.')
output AZURE_LOCATION string = location
@description('Entra tenant of the subscription.')
output AZURE_TENANT_ID string = tenant().tenantId
@description('The resource group holding everything.')
output AZURE_RESOURCE_GROUP string = rg.name
@description('Name of the Function App (azd deploys to it).')
output FUNCTION_APP_NAME string = functionApp.outputs.name
@description('Base URL of the Function App.')
output FUNCTION_APP_URL string = functionApp.outputs.url
@description('Base URL of the API.')
output API_BASE_URL string = '${functionApp.outputs.url}/api'
@description('The OpenAPI document of the API.')
output OPENAPI_URL string = '${functionApp.outputs.url}/api/openapi.json'
@description('The Web redirect URI to register on the Entra app for the browser sign-in.')
output ENTRA_REDIRECT_URI string = '${functionApp.outputs.url}/api/auth/callback'
@description('Name of the Key Vault holding the link signing key and the session secret.')
output KEY_VAULT_NAME string = keyVault.outputs.name
@description('Sender address of invitation emails.')
output EMAIL_SENDER_ADDRESS string = email.outputs.senderAddress
