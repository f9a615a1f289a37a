import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { RUNTIME_PATHS, packageApp } from '../../../infra/build/packageApp';
import { parseYamlSubset } from '../../support/azureYaml';

/**
 * The Azure deploy package, made the way azd makes it from azure.yaml: the service's prepackage hook
 * (`npm run package:azure`: the build, then infra/build/packageApp.ts into the service's `dist` folder),
 * then azd's own zip of that folder (cli/azd/pkg/project/project_utils.go, createDeployableZip: `.azure`,
 * the ignore file and local.settings.json left out; the folder's `.funcignore` applied if it has one, and
 * with none, node_modules kept only when remoteBuild is false). The zip is unpacked outside the repository
 * (so no module can be found in the repository's own node_modules) and loaded by Node with a stand-in for
 * the worker's @azure/functions-core, as the Functions host would load it. Needs `npm run build` first.
 */
const ROOT = path.resolve(__dirname, '../../..');
const MAX_ZIP_BYTES = 60 * 1024 * 1024;
const CORE = path.join(ROOT, 'dist/infra/local/functionsCore');

const yaml = parseYamlSubset(readFileSync(path.join(ROOT, 'azure.yaml'), 'utf8'));
const api = (yaml.services as Record<string, Record<string, any>>).api!;
const scripts = (
  JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** azd's resolveFunctionAppRemoteBuild for TypeScript: the root .funcignore against remoteBuild. */
function remoteBuildAsAzdResolvesIt(): boolean {
  const ignoreFile = path.join(ROOT, '.funcignore');
  const excludesNodeModules =
    existsSync(ignoreFile) &&
    readFileSync(ignoreFile, 'utf8')
      .split(/\r?\n/)
      .some((line) => /^\/?node_modules\/?$/.test(line.trim()));
  const configured = api.remoteBuild === undefined ? undefined : api.remoteBuild === 'true';
  if (configured === undefined) return excludesNodeModules;
  if (configured !== excludesNodeModules)
    throw new Error(
      `remoteBuild: ${configured} is refused by azd when .funcignore ${excludesNodeModules ? 'excludes' : 'keeps'} node_modules`,
    );
  return configured;
}

/** Every file under `dir` that azd's createDeployableZip puts in the zip (no .funcignore in the folder). */
function filesAzdZips(dir: string, remoteBuild: boolean): Zippable {
  expect(existsSync(path.join(dir, '.funcignore'))).toBe(false);
  const files: Zippable = {};
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const name = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === '.azure' || (entry.name === 'node_modules' && remoteBuild)) continue;
        walk(name);
      } else if (entry.name !== '.funcignore' && entry.name !== 'local.settings.json') {
        files[name] = readFileSync(path.join(dir, name));
      }
    }
  };
  walk('');
  return files;
}

function unzipTo(zip: Uint8Array, dir: string): void {
  for (const [name, content] of Object.entries(unzipSync(zip))) {
    if (name.endsWith('/')) continue;
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
}

/** Loads the unpacked package in a fresh Node process with the stand-in worker module; what it registered. */
function loadInNode(appDir: string, module: 'main' | 'dist/functions/index.js') {
  const script = `
    const path = require('node:path');
    require(${JSON.stringify(path.join(CORE, 'installFunctionsCore.js'))}).installFunctionsCore();
    const { functionRegistry } = require(${JSON.stringify(path.join(CORE, 'registry.js'))});
    const appDir = ${JSON.stringify(appDir)};
    const entry = ${JSON.stringify(module)} === 'main' ? require(path.join(appDir, 'package.json')).main : ${JSON.stringify(module)};
    require(path.join(appDir, entry));
    const { assetFolder } = require(path.join(appDir, 'dist/shared/adapters/web/assetFolder.js'));
    const assets = [['shared', 'adapters', 'web', 'templates'], ['shared', 'adapters', 'web', 'locales'],
      ['shared', 'adapters', 'web', 'static'], ['shared', 'adapters', 'email', 'templates']].map((p) => assetFolder(...p));
    process.stdout.write(JSON.stringify({ names: functionRegistry.all().map((r) => r.metadata.name), assets }));
  `;
  const run = spawnSync(process.execPath, ['-e', script], {
    cwd: appDir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
  if (run.status !== 0) return { error: `${run.stdout}${run.stderr}` };
  return JSON.parse(run.stdout) as { names: string[]; assets: string[] };
}

describe('the Azure deploy package', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'deploy-package-'));
  const staged = path.join(work, 'staged');
  const unpacked = path.join(work, 'unpacked');
  let zip: Uint8Array;
  let entries: string[];
  let manifest: { name: string }[];

  beforeAll(() => {
    // The hook's packaging step, into a folder of this test's own instead of azure.yaml's `dist`.
    packageApp(staged, ROOT);
    manifest = JSON.parse(readFileSync(path.join(staged, 'dist/functions/functions.manifest.json'), 'utf8'));
    const files = filesAzdZips(staged, remoteBuildAsAzdResolvesIt());
    zip = zipSync(files, { level: 6 });
    entries = Object.keys(files);
    unzipTo(zip, unpacked);
  }, 480_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('when azd reads azure.yaml, then the prepackage hook assembles the folder that azd deploys, with remote build off', () => {
    expect(api.remoteBuild).toBe('false');
    expect(remoteBuildAsAzdResolvesIt()).toBe(false);
    const hooks = api.hooks as Record<string, Record<string, Record<string, string>>>;
    expect(hooks.prepackage?.posix?.run).toBe('npm run package:azure');
    expect(hooks.prepackage?.windows?.run).toBe('npm run package:azure');
    expect(scripts['package:azure']).toBe(`npm run build && node dist/infra/build/packageApp.js ${api.dist}`);
  });

  it('when the package is zipped as azd does, then the zip is under 60 MB', () => {
    const unpackedBytes = entries.reduce((sum, name) => sum + statSync(path.join(staged, name)).size, 0);
    console.log(
      `deploy package: ${entries.length} files, ${(unpackedBytes / 1048576).toFixed(1)} MB unpacked, zip ${(zip.length / 1048576).toFixed(1)} MB`,
    );
    expect(zip.length).toBeLessThan(MAX_ZIP_BYTES);
  });

  it('when the zip is listed, then it holds the entry, the manifest, host.json and every file the app reads beside its code', () => {
    const pkg = JSON.parse(readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/functions/hostEntry.js');
    expect(entries).toEqual(
      expect.arrayContaining([
        'package.json',
        'host.json',
        pkg.main,
        'dist/functions/functions.manifest.json',
        'dist/functions/index.js',
      ]),
    );
    for (const folder of RUNTIME_PATHS.filter((p) => p.startsWith('shared/'))) {
      const source = readdirSync(path.join(ROOT, folder)).sort();
      expect({
        folder,
        files: entries
          .filter((e) => path.posix.dirname(e) === folder)
          .map((e) => path.posix.basename(e))
          .sort(),
      }).toEqual({
        folder,
        files: source,
      });
    }
  });

  it('when the zip is listed, then it holds production dependencies only and no sources, tests, local host or settings', () => {
    const pkg = JSON.parse(readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
    expect(pkg.scripts).toBeUndefined();
    expect(pkg.devDependencies).toBeUndefined();
    const topLevel = new Set(
      entries
        .filter((e) => e.startsWith('node_modules/'))
        .map((e) =>
          e
            .split('/')
            .slice(1, e.startsWith('node_modules/@') ? 3 : 2)
            .join('/'),
        ),
    );
    for (const dependency of Object.keys(pkg.dependencies)) expect(topLevel).toContain(dependency);
    const devOnly = [
      'typescript',
      'jest',
      'azurite',
      'playwright-core',
      'esbuild',
      'eslint',
      'prettier',
      'ts-jest',
      'fflate',
    ];
    expect(devOnly.filter((name) => topLevel.has(name))).toEqual([]);
    const unwanted = entries.filter(
      (e) =>
        (!e.startsWith('node_modules/') && (e.endsWith('.ts') || e.endsWith('.map'))) ||
        /^(test|infra|functions|\.local|\.azure|dist\/infra|dist\/test)\//.test(e) ||
        /(^|\/)local\.settings\.json$/.test(e),
    );
    expect(unwanted).toEqual([]);
  });

  it('when the unpacked package is loaded by Node from package.json main, then it registers every function of the manifest', () => {
    const loaded = loadInNode(unpacked, 'main');
    expect(loaded).toEqual({ names: manifest.map((f) => f.name), assets: expect.any(Array) });
    expect(manifest.length).toBeGreaterThan(10);
  });

  it('when the unpacked app itself is loaded, then it registers the same functions and finds its files inside the package', () => {
    const loaded = loadInNode(unpacked, 'dist/functions/index.js');
    if ('error' in loaded) throw new Error(loaded.error);
    expect(loaded.names).toEqual(manifest.map((f) => f.name));
    // In the order the script asks for them, which is RUNTIME_PATHS' order.
    expect(loaded.assets.map((a) => path.relative(unpacked, a))).toEqual(
      RUNTIME_PATHS.filter((p) => p.startsWith('shared/')).map((p) => path.normalize(p)),
    );
  });

  it('when a production dependency is missing from the package, then loading the app fails (the load check can fail)', () => {
    const dependency = path.join(unpacked, 'node_modules/durable-functions');
    renameSync(dependency, `${dependency}.away`);
    try {
      const loaded = loadInNode(unpacked, 'dist/functions/index.js');
      expect('error' in loaded && loaded.error).toContain("Cannot find module 'durable-functions'");
    } finally {
      renameSync(`${dependency}.away`, dependency);
    }
  });
});
