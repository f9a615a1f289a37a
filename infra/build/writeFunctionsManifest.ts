import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { installFunctionsCore } from '../local/functionsCore/installFunctionsCore';
import { functionRegistry } from '../local/functionsCore/registry';
import { MANIFEST_FILE, type FunctionManifest } from '../../functions/functionsManifest';

/**
 * Build step after `tsc`: loads the compiled app (dist/functions/index.js) as the Functions host would,
 * records every registration's metadata, and writes it next to the entry point, where
 * functions/hostEntry.ts registers the same functions without loading the app. Whatever functions/index
 * imports is listed; nothing is listed by hand.
 */
function main(): void {
  const functionsDir = path.resolve(__dirname, '../../functions');
  installFunctionsCore();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(functionsDir, 'index'));
  const manifest: FunctionManifest = functionRegistry.all().map(({ metadata }) => {
    if (metadata.retryOptions !== undefined)
      throw new Error(
        `Function "${metadata.name}" has retry options, which functions/hostEntry.ts does not carry yet.`,
      );
    return { name: metadata.name, bindings: metadata.bindings };
  });
  if (manifest.length === 0) throw new Error(`${functionsDir}/index.js registered no function.`);
  writeFileSync(path.join(functionsDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`${manifest.length} functions in ${path.join(functionsDir, MANIFEST_FILE)}`);
}

main();
