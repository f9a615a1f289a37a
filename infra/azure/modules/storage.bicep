// The storage account the Functions host, Durable Functions (blobs, queues and tables of the task hub)
// and the app's own tables use, with shared-key access off: only Entra ID (the managed identity) gets in.
// It also holds the blob container that Flex Consumption deploys the app package from.
@description('Name of the storage account.')
param name string
@description('Azure region of the resources.')
param location string
@description('Tags added to every resource.')
param tags { *: string }

@description('Name of the Function App\'s managed identity: role assignment names are derived from it (known before deployment, unlike its principal ID).')
param identityName string

@description('Principal ID of the Function App\'s managed identity.')
param principalId string

@description('Blob container that Flex Consumption deploys the app package from.')
param deploymentContainerName string

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Built-in role definition IDs. The Functions host and Durable Functions need all three services.
var storageRoles = [
  {
    name: 'Storage Blob Data Owner'
    id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  }
  {
    name: 'Storage Queue Data Contributor'
    id: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  }
  {
    name: 'Storage Table Data Contributor'
    id: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  }
]

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    name: guid(storage.id, identityName, role.id)
    scope: storage
    properties: {
      description: '${role.name} for the Function App\'s managed identity'
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.id)
    }
  }
]

@description('Name of the storage account.')
output name string = storage.name
@description('Blob endpoint of the account.')
output blobEndpoint string = storage.properties.primaryEndpoints.blob
@description('Table endpoint of the account (the app\'s own tables).')
output tableEndpoint string = storage.properties.primaryEndpoints.table
@description('Blob container that Flex Consumption deploys the app package from.')
output deploymentContainerName string = deploymentContainer.name
