import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * What the local host takes from host.json, as the Functions host and the Durable extension do: the
 * HTTP route prefix and the durable concurrency limits per instance. Read once per thread.
 */
const HostJsonSchema = z.object({
  extensions: z
    .object({
      http: z.object({ routePrefix: z.string().optional() }).optional(),
      durableTask: z
        .object({
          maxConcurrentActivityFunctions: z.number().int().positive().optional(),
          maxConcurrentOrchestratorFunctions: z.number().int().positive().optional(),
        })
        .optional(),
    })
    .optional(),
});

export interface HostSettings {
  /** `extensions.http.routePrefix`; "api" when host.json names none, as the Functions host. */
  readonly routePrefix: string;
  /** `extensions.durableTask.maxConcurrentActivityFunctions`; the extension's default is 10 × the cores. */
  readonly maxConcurrentActivityFunctions: number | undefined;
  readonly maxConcurrentOrchestratorFunctions: number | undefined;
}

export function parseHostJson(text: string): HostSettings {
  const parsed = HostJsonSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`host.json: ${z.prettifyError(parsed.error)}`);
  const extensions = parsed.data.extensions;
  return {
    routePrefix: extensions?.http?.routePrefix ?? 'api',
    maxConcurrentActivityFunctions: extensions?.durableTask?.maxConcurrentActivityFunctions,
    maxConcurrentOrchestratorFunctions: extensions?.durableTask?.maxConcurrentOrchestratorFunctions,
  };
}

let settings: HostSettings | undefined;

/** The project's host.json (the one deployed beside the app), read once. */
export function hostSettings(): HostSettings {
  settings ??= parseHostJson(readFileSync(path.join(projectRoot(), 'host.json'), 'utf8'));
  return settings;
}

/** Sources run from the project root, compiled code from dist/: the folder above that holds host.json. */
export function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'host.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`host.json not found above ${__dirname}`);
  }
}
