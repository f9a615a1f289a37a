// Telemetry: a Log Analytics workspace and a workspace-based Application Insights component that takes
// only Entra ID-authenticated ingestion (local auth off); the managed identity may publish to it.
@description('Name of the Log Analytics workspace.')
param workspaceName string
@description('Name of the Application Insights component.')
param appInsightsName string
@description('Azure region of the resources.')
param location string
@description('Tags added to every resource.')
param tags { *: string }

@description('Name of the Function App\'s managed identity: role assignment names are derived from it (known before deployment, unlike its principal ID).')
param identityName string

@description('Principal ID of the Function App\'s managed identity.')
param principalId string

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource publisherRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identityName, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    description: 'Monitoring Metrics Publisher for the Function App\'s managed identity'
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}

// Not a secret: with local auth off, ingestion also needs an Entra ID token (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
@description('Connection string of Application Insights (no secret: ingestion needs an Entra ID token).')
output connectionString string = appInsights.properties.ConnectionString
@description('Name of the Application Insights component.')
output name string = appInsights.name
