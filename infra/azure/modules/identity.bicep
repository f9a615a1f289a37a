// The Function App's user-assigned managed identity: every role assignment below is given to it, and the
// app settings name its client ID wherever a connection authenticates.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
