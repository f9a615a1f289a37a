// The Function App on the Flex Consumption plan (FC1), Node 22, running as the user-assigned managed
// identity. Every connection is identity-based: the Functions host and Durable Functions reach storage
// with AzureWebJobsStorage__* settings, the app reaches its tables at STORAGE_TABLE_ENDPOINT, secrets
// come from Key Vault references, and telemetry is ingested with an Entra ID token.
// Flex Consumption takes its runtime from functionAppConfig.runtime; it rejects FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION and the content-share settings, so none are set.
@description('Name of the Function App.')
param name string
@description('Name of the Flex Consumption plan.')
param planName string
@description('Azure region of the resources.')
param location string
@description('Tags added to every resource.')
param tags { *: string }

@description('Upper bound of Flex Consumption instances.')
@maxValue(1000)
param maximumInstanceCount int

@description('Resource ID of the user-assigned managed identity.')
param identityId string

@description('Client ID of the user-assigned managed identity.')
param identityClientId string

@description('Storage account of the Functions host and Durable Functions (AzureWebJobsStorage).')
param storageAccountName string
@description('Blob endpoint of that account.')
param storageBlobEndpoint string
@description('Table endpoint of that account: the app\'s own tables.')
param storageTableEndpoint string
@description('Blob container that Flex Consumption deploys the app package from.')
param deploymentContainerName string
@description('Connection string of Application Insights.')
param appInsightsConnectionString string
@description('Key Vault URI of the link signing key.')
param linkSigningKeySecretUri string
@description('Key Vault URI of the session secret.')
param sessionSecretSecretUri string
@description('Endpoint of Azure Communication Services.')
param communicationServiceEndpoint string
@description('Sender address of invitation emails.')
param emailSenderAddress string

@description('Application (client) ID of the Entra ID app registration.')
param entraClientId string

@description('Expected audience (aud) of bearer tokens.')
param tokenAudience string

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccountName
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identityClientId
        }
        {
          name: 'AZURE_CLIENT_ID'
          value: identityClientId
        }
        {
          name: 'STORAGE_TABLE_ENDPOINT'
          value: storageTableEndpoint
        }
        {
          name: 'TASK_HUB_NAME'
          value: 'PartnerConsent'
        }
        {
          name: 'AUTH_MODE'
          value: 'entra'
        }
        {
          name: 'ENTRA_CLIENT_ID'
          value: entraClientId
        }
        {
          name: 'TOKEN_AUDIENCE'
          value: tokenAudience
        }
        {
          name: 'PUBLIC_BASE_URL'
          value: 'https://${name}.azurewebsites.net'
        }
        {
          name: 'LINK_SIGNING_KEY'
          value: '@Microsoft.KeyVault(SecretUri=${linkSigningKeySecretUri})'
        }
        {
          name: 'SESSION_SECRET'
          value: '@Microsoft.KeyVault(SecretUri=${sessionSecretSecretUri})'
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsightsConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identityClientId};Authorization=AAD'
        }
        {
          name: 'ACS_ENDPOINT'
          value: communicationServiceEndpoint
        }
        {
          name: 'EMAIL_SENDER_ADDRESS'
          value: emailSenderAddress
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

@description('Name of the Function App.')
output name string = site.name
@description('Base URL of the Function App.')
output url string = 'https://${site.properties.defaultHostName}'
