// Invitation emails: an Email Communication Service with an Azure-managed domain, linked to an Azure
// Communication Services resource that the app calls with its managed identity.
@description('Name of the Email Communication Service.')
param emailServiceName string
@description('Name of the Azure Communication Services resource.')
param communicationServiceName string
@description('Tags added to every resource.')
param tags { *: string }

@description('Where the services keep data at rest, e.g. United States, Europe, UK.')
param dataLocation string

@description('Name of the Function App\'s managed identity: role assignment names are derived from it (known before deployment, unlike its principal ID).')
param identityName string

@description('Principal ID of the Function App\'s managed identity.')
param principalId string

resource emailService 'Microsoft.Communication/emailServices@2025-05-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2025-05-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2025-05-01' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      managedDomain.id
    ]
  }
}

// Sending email with an Entra ID token needs a role on the Communication Services resource; Contributor,
// scoped to this one resource, is the built-in role that carries the send permission.
var contributor = 'b24988ac-6180-42a0-ab88-20f7138076d5'

resource senderRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communicationService.id, identityName, contributor)
  scope: communicationService
  properties: {
    description: 'Send invitation emails as the Function App\'s managed identity'
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', contributor)
  }
}

@description('Endpoint of Azure Communication Services.')
output endpoint string = 'https://${communicationService.properties.hostName}'
@description('Sender address in the Azure-managed domain.')
output senderAddress string = 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'
