// pgferry on Azure Functions Flex Consumption (Linux), azd style: one resource group holds the function app, its
// host storage, a user-assigned managed identity, Application Insights and Log Analytics. No account keys: the host
// reaches its storage with the identity (RBAC), and the identity may also be granted on the storage accounts that
// copies write to. Deploy the zip built by `./mvnw package` (target/pgferry-*-function-app.zip).
targetScope = 'resourceGroup'

@description('Short name used in every resource name, e.g. the azd environment name.')
@minLength(3)
@maxLength(20)
param environmentName string

@description('Azure region for all resources.')
param location string = resourceGroup().location

@description('Most instances Flex Consumption may scale out to: the ceiling on a fanned-out copy\'s instances (its slice messages on pgferry-slices are what the platform scales on).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 20

@description('Memory per instance in MB (2048 or 4096): a copy holds blockSizeInMB x (maxConcurrentConnections + 1) per slice.')
@allowed([2048, 4096])
param instanceMemoryMB int = 2048

@description('Optional: storage accounts (in this resource group) that copies write to; the identity gets Storage Blob Data Contributor on each.')
param sinkStorageAccountNames array = []

@description('Container of the host storage account where payload files (.json) are dropped to start copies.')
param payloadContainer string = 'pgferry-payloads'

@description('Folder in that container whose new .json blobs Event Grid delivers to copyOnEvent.')
param payloadFolder string = 'incoming/'

@description('Create the Event Grid subscription to copyOnEvent: set true on a deployment after the code is deployed (Event Grid checks that the function exists).')
param subscribeToPayloads bool = false

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName }
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var deploymentContainer = 'app-package-${take(token, 10)}'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-pgferry-${token}'
  location: location
  tags: tags
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-pgferry-${token}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-pgferry-${token}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'stpgferry${take(token, 13)}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: hostStorage
  name: 'default'
}

resource packages 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainer
}

resource hostRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [storageBlobDataOwner, storageQueueDataContributor]: {
  name: guid(hostStorage.id, identity.id, role)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

resource insightsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identity.id, monitoringMetricsPublisher)
  scope: insights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource sinkAccounts 'Microsoft.Storage/storageAccounts@2023-05-01' existing = [for name in sinkStorageAccountNames: {
  name: name
}]

resource sinkRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (name, i) in sinkStorageAccountNames: {
  name: guid(sinkAccounts[i].id, identity.id, storageBlobDataContributor)
  scope: sinkAccounts[i]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

// Key Vault for the secrets payloads reference (AzureKeyVaultSecret): RBAC only, the identity may read secrets.
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-pgferry-${take(token, 13)}'
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    publicNetworkAccess: 'Enabled'
  }
}

resource vaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Payload files dropped in the host storage start copies: the account's Event Grid system topic delivers their
// BlobCreated events to the copyOnEvent function (the Event Grid trigger), filtered on the payload folder.
resource payloads 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: payloadContainer
}

resource storageEvents 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: 'evgt-pgferry-${take(token, 13)}'
  location: location
  tags: tags
  properties: {
    source: hostStorage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource payloadEvents 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = if (subscribeToPayloads) {
  parent: storageEvents
  name: 'pgferry-payloads'
  properties: {
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${app.id}/functions/copyOnEvent'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: ['Microsoft.Storage.BlobCreated']
      subjectBeginsWith: '/blobServices/default/containers/${payloadContainer}/blobs/${payloadFolder}'
      subjectEndsWith: '.json'
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: {
      maxDeliveryAttempts: 10
      eventTimeToLiveInMinutes: 1440
    }
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-pgferry-${token}'
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

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-pgferry-${token}'
  location: location
  tags: union(tags, { 'azd-service-name': 'pgferry' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      // A custom handler: host.json starts pgferry-handler (the native executable, or the JVM build on the Java
      // runtime the package carries: a Flex Consumption image promises no java).
      runtime: {
        name: 'custom'
        version: '1.0'
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: hostStorage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
        // DefaultAzureCredential in the handler picks the user-assigned identity.
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
      ]
    }
  }
  dependsOn: [
    hostRoles
  ]
}

output AZURE_FUNCTION_APP_NAME string = app.name
output AZURE_FUNCTION_URL string = 'https://${app.properties.defaultHostName}/copy'
output AZURE_CLIENT_ID string = identity.properties.clientId
output AZURE_KEY_VAULT_URL string = vault.properties.vaultUri
output PAYLOAD_CONTAINER string = payloadContainer
