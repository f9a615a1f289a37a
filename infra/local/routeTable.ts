import type { Registration } from './functionsCore/registry';

/**
 * Matches a path under the route prefix against the HTTP triggers' route templates, the way the
 * Functions host does: `{name}` and `{name:constraint}` capture one segment, `{*rest}` the remainder,
 * and literal segments win over parameters when two templates match.
 */
interface Segment {
  readonly literal?: string;
  readonly param?: string;
  readonly catchAll?: boolean;
  readonly optional?: boolean;
}

interface Route {
  readonly registration: Registration;
  readonly methods: readonly string[];
  readonly segments: readonly Segment[];
}

export interface RouteMatch {
  readonly registration: Registration;
  readonly params: Record<string, string>;
}

export type RouteResult =
  { kind: 'match'; match: RouteMatch } | { kind: 'methodNotAllowed'; allow: string[] } | { kind: 'notFound' };

function parseTemplate(template: string): Segment[] {
  return template
    .split('/')
    .filter((s) => s.length > 0)
    .map((segment) => {
      const param = /^\{(\*?)([A-Za-z0-9_]+)(\?)?(?::[^}]*)?\}$/.exec(segment);
      if (!param) return { literal: segment.toLowerCase() };
      return { param: param[2], catchAll: param[1] === '*', optional: param[3] === '?' };
    });
}

export class RouteTable {
  readonly #routes: Route[];

  constructor(registrations: readonly Registration[]) {
    this.#routes = registrations
      .filter((r) => r.trigger.type.toLowerCase() === 'httptrigger')
      .map((registration) => {
        const trigger = registration.trigger;
        const route = typeof trigger.route === 'string' && trigger.route ? trigger.route : registration.name;
        const methods = Array.isArray(trigger.methods)
          ? (trigger.methods as string[]).map((m) => m.toUpperCase())
          : ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
        return { registration, methods, segments: parseTemplate(route) };
      });
  }

  match(method: string, path: string): RouteResult {
    const parts = path.split('/').filter((s) => s.length > 0);
    const candidates: { route: Route; params: Record<string, string>; score: number }[] = [];
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, parts);
      if (params) candidates.push({ route, params, score: route.segments.filter((s) => s.literal).length });
    }
    if (candidates.length === 0) return { kind: 'notFound' };
    candidates.sort((a, b) => b.score - a.score);
    const best = candidates[0]!.score;
    const sameShape = candidates.filter((c) => c.score === best);
    const hit = sameShape.find((c) => c.route.methods.includes(method.toUpperCase()));
    if (!hit)
      return { kind: 'methodNotAllowed', allow: [...new Set(sameShape.flatMap((c) => c.route.methods))] };
    return { kind: 'match', match: { registration: hit.route.registration, params: hit.params } };
  }
}

function matchSegments(
  segments: readonly Segment[],
  parts: readonly string[],
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const part = parts[i];
    if (segment.catchAll) {
      params[segment.param!] = parts.slice(i).map(decode).join('/');
      return params;
    }
    if (part === undefined) {
      if (segment.optional) continue;
      return undefined;
    }
    if (segment.literal !== undefined) {
      if (segment.literal !== part.toLowerCase()) return undefined;
    } else {
      params[segment.param!] = decode(part);
    }
  }
  return parts.length <= segments.length ? params : undefined;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
