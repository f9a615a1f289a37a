import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * A folder of files the build does not copy (templates, message catalogs), named by its path from the
 * project root. Compiled code runs from dist/, sources from the project root: look for it upwards.
 */
export function assetFolder(...fromProjectRoot: string[]): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, ...fromProjectRoot);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) {
      throw new Error(`${fromProjectRoot.join('/')} not found above ${__dirname}`);
    }
  }
}
