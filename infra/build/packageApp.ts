import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repositoryRoot } from './bicepCompiler';

/**
 * Assembles the Azure deploy package in a folder (azure.yaml: `dist: .deploy/api`, made by the service's
 * prepackage hook, `npm run package:azure`), which azd then zips as it is and deploys with remote build
 * off. It holds what the app loads at run time and nothing else:
 *
 * - package.json with `main` (dist/functions/hostEntry.js) and the production dependencies only (no
 *   scripts: nothing is built on the platform), and host.json;
 * - the compiled app, dist/functions (with the functions manifest the build writes) and dist/shared,
 *   without source maps; not dist/infra or dist/test (the local host, the build scripts, the tests);
 * - the files the app reads beside its code (shared/adapters/web/assetFolder.ts looks for them from the
 *   package root): the page templates, message catalogs and static files of shared/adapters/web, and the
 *   email templates;
 * - node_modules as `npm ci --omit=dev` installs it from package-lock.json: none of the dependencies has
 *   an install script or a native part, so a package made on any OS runs on Linux.
 *
 * Run after `npm run build`: `node dist/infra/build/packageApp.js <folder>`.
 */
export const RUNTIME_PATHS = [
  'host.json',
  'dist/functions',
  'dist/shared',
  'shared/adapters/web/templates',
  'shared/adapters/web/locales',
  'shared/adapters/web/static',
  'shared/adapters/email/templates',
] as const;

interface PackageJson {
  name: string;
  version: string;
  description?: string;
  main: string;
  engines?: Record<string, string>;
  dependencies: Record<string, string>;
}

export function packageApp(outDir: string, root = repositoryRoot()): void {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageJson;
  for (const required of [pkg.main, 'dist/functions/functions.manifest.json'])
    if (!existsSync(path.join(root, required)))
      throw new Error(`${required} is missing: run \`npm run build\` before packaging.`);

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const item of RUNTIME_PATHS)
    cpSync(path.join(root, item), path.join(outDir, item), {
      recursive: true,
      filter: (source) => !source.endsWith('.map'),
    });

  // npm ci insists on a package.json that matches the lock file, devDependencies included; it installs
  // only the production tree, and the package.json that ships is written after it.
  cpSync(path.join(root, 'package.json'), path.join(outDir, 'package.json'));
  cpSync(path.join(root, 'package-lock.json'), path.join(outDir, 'package-lock.json'));
  const install = spawnSync(
    'npm',
    ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
    { cwd: outDir, encoding: 'utf8', shell: process.platform === 'win32' },
  );
  if (install.status !== 0)
    throw new Error(`npm ci --omit=dev failed in ${outDir}:\n${install.stdout}${install.stderr}`);
  // Links to dev tools' commands; nothing at run time uses them.
  rmSync(path.join(outDir, 'node_modules/.bin'), { recursive: true, force: true });
  rmSync(path.join(outDir, 'package-lock.json'));

  const shipped: PackageJson = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    main: pkg.main,
    engines: pkg.engines,
    dependencies: pkg.dependencies,
  };
  writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify(shipped, null, 2)}\n`);
}

if (require.main === module) {
  const root = repositoryRoot();
  const outDir = path.resolve(root, process.argv[2] ?? '.deploy/api');
  packageApp(outDir, root);
  console.log(`Deploy package assembled in ${path.relative(root, outDir) || outDir}`);
}
