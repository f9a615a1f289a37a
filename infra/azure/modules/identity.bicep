// The Function App's user-assigned managed identity: every role assignment below is given to it, and the
// app settings name its client ID wherever a connection authenticates.
@description('Name of the user-assigned managed identity.')
param name string
@description('Azure region of the resources.')
param location string
@description('Tags added to every resource.')
param tags { *: string }

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Resource ID of the identity.')
output id string = identity.id
@description('Client ID of the identity (app settings name it wherever a connection authenticates).')
output clientId string = identity.properties.clientId
@description('Principal ID of the identity (role assignments are given to it).')
output principalId string = identity.properties.principalId
