import { app } from '@azure/functions';
import { settleTelemetry } from './appTelemetry';
import { withInvocationScope } from './invocationScope';

/**
 * Registered once with the Functions host (imported by functions/hostEntry.ts, before any call): every HTTP and activity
 * invocation runs inside its invocation scope, so that log lines and events raised anywhere below it
 * carry its IDs, and it ends only after its telemetry has been handed over. Orchestrator replays are
 * left alone: they do no I/O and raise no events. The local host runs the hooks as the worker does.
 */
app.hook.preInvocation((hook) => {
  if (hook.invocationContext.options.trigger.type === 'orchestrationTrigger') return;
  hook.functionHandler = withInvocationScope(hook.functionHandler, settleTelemetry);
});
