/**
 * The `durableClient` input binding's value, as the Durable extension gives it to a function
 * (durable-functions' OrchestrationClientInputData). With `rpcBaseUrl` set, DurableClient sends
 * every call there; the webhook URLs are what `createCheckStatusResponse` hands to callers.
 */
export interface DurableClientBindingData {
  readonly taskHubName: string;
  readonly connectionName: string;
  readonly creationUrls: {
    readonly createNewInstancePostUri: string;
    readonly waitOnNewInstancePostUri: string;
  };
  readonly managementUrls: ManagementUrls;
  readonly baseUrl: string;
  readonly requiredQueryStringParameters: string;
  readonly rpcBaseUrl: string;
  readonly httpBaseUrl: string;
}

export interface ManagementUrls {
  readonly id: string;
  readonly statusQueryGetUri: string;
  readonly sendEventPostUri: string;
  readonly terminatePostUri: string;
  readonly rewindPostUri: string;
  readonly purgeHistoryDeleteUri: string;
  readonly suspendPostUri: string;
  readonly resumePostUri: string;
}

/** The extension's placeholder for the instance id in management URLs. */
export const INSTANCE_ID_PLACEHOLDER = 'INSTANCEID';
export const CONNECTION_NAME = 'Storage';

export function durableClientBindingData(origin: string, taskHub: string): DurableClientBindingData {
  const webhooks = `${origin}/runtime/webhooks/durabletask/`;
  const query = `taskHub=${taskHub}&connection=${CONNECTION_NAME}&code=local`;
  const instance = `${webhooks}instances/${INSTANCE_ID_PLACEHOLDER}`;
  return {
    taskHubName: taskHub,
    connectionName: CONNECTION_NAME,
    creationUrls: {
      createNewInstancePostUri: `${webhooks}orchestrators/{functionName}[/{instanceId}]?code=local`,
      waitOnNewInstancePostUri: `${webhooks}orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&code=local`,
    },
    managementUrls: managementUrls(instance, query),
    baseUrl: webhooks,
    requiredQueryStringParameters: 'code=local',
    rpcBaseUrl: `${origin}/durabletask/`,
    httpBaseUrl: webhooks,
  };
}

function managementUrls(instance: string, query: string): ManagementUrls {
  return {
    id: INSTANCE_ID_PLACEHOLDER,
    statusQueryGetUri: `${instance}?${query}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${instance}?${query}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
    resumePostUri: `${instance}/resume?reason={text}&${query}`,
  };
}

/** The HttpManagementPayload for one instance (what startNew answers and createCheckStatusResponse returns). */
export function managementPayload(
  data: DurableClientBindingData,
  instanceId: string,
): Record<string, string> {
  const payload: Record<string, string> = {};
  for (const [key, value] of Object.entries(data.managementUrls) as [string, string][]) {
    payload[key] = value.split(INSTANCE_ID_PLACEHOLDER).join(encodeURIComponent(instanceId));
  }
  payload.id = instanceId;
  return payload;
}
