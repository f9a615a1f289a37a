import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Obtains the Bicep compiler through NuGet: infra/azure/bicep/BicepCompiler.csproj is a restore-only
 * project that references the Bicep CLI package of this platform; `dotnet restore` puts the package in
 * NuGet's global packages folder, and its `tools/bicep` binary is copied to .local/bicep/ (git-ignored),
 * where the next run finds it without asking NuGet again. The package version is the csproj's.
 */
export interface BicepCompiler {
  readonly path: string;
  /** What the binary says of itself, e.g. "Bicep CLI version 0.49.2 (b34271ac51)". */
  readonly version: string;
}

export type ObtainedCompiler =
  | { readonly kind: 'ready'; readonly compiler: BicepCompiler }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** The repository root: the nearest folder above this file (or its compiled copy in dist/) with a package.json. */
export function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

const PROJECT = 'infra/azure/bicep/BicepCompiler.csproj';

/** The NuGet runtime identifier of the Bicep CLI package for this machine. */
function runtimeIdentifier(): string | undefined {
  const os = { linux: 'linux', darwin: 'osx', win32: 'win' }[process.platform as string];
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch as string];
  return os && arch ? `${os}-${arch}` : undefined;
}

export function pinnedBicepVersion(root = repositoryRoot()): string {
  const csproj = readFileSync(path.join(root, PROJECT), 'utf8');
  const version = /Include="Azure\.Bicep\.CommandLine\.[^"]*"\s+Version="([^"]+)"/.exec(csproj)?.[1];
  if (!version) throw new Error(`${PROJECT} names no Azure.Bicep.CommandLine version`);
  return version;
}

function versionOf(binary: string): string | undefined {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

const DOTNET_ENV = { ...process.env, DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' };

export function obtainBicepCompiler(root = repositoryRoot()): ObtainedCompiler {
  const runtime = runtimeIdentifier();
  if (!runtime)
    return { kind: 'unavailable', reason: `no Bicep CLI package for ${process.platform}-${process.arch}` };
  const version = pinnedBicepVersion(root);
  const binaryName = process.platform === 'win32' ? 'bicep.exe' : 'bicep';
  const cached = path.join(root, '.local/bicep', `${version}-${runtime}`, binaryName);
  const cachedVersion = existsSync(cached) ? versionOf(cached) : undefined;
  if (cachedVersion?.includes(version))
    return { kind: 'ready', compiler: { path: cached, version: cachedVersion } };

  const dotnet = spawnSync('dotnet', ['--version'], { encoding: 'utf8', env: DOTNET_ENV });
  if (dotnet.error || dotnet.status !== 0)
    return {
      kind: 'unavailable',
      reason:
        'the .NET SDK (`dotnet`) is not on PATH; it restores the Bicep compiler from NuGet ' +
        `(${PROJECT}). Install the .NET SDK to compile and lint infra/azure here; CI always does.`,
    };

  // A fresh intermediate folder per restore: restores running side by side (test workers) never share one.
  const obj = mkdtempSync(path.join(os.tmpdir(), 'bicep-restore-'));
  try {
    const restore = spawnSync(
      'dotnet',
      [
        'restore',
        path.join(root, PROJECT),
        `-p:BicepRuntime=${runtime}`,
        `-p:BaseIntermediateOutputPath=${obj}/`,
      ],
      { encoding: 'utf8', env: DOTNET_ENV },
    );
    if (restore.status !== 0)
      return {
        kind: 'unavailable',
        reason: `dotnet restore of ${PROJECT} failed (exit ${restore.status}):\n${restore.stdout}${restore.stderr}`,
      };
    const assets = JSON.parse(readFileSync(path.join(obj, 'project.assets.json'), 'utf8')) as {
      packageFolders: Record<string, unknown>;
    };
    const packageId = `azure.bicep.commandline.${runtime}`;
    const restored = Object.keys(assets.packageFolders)
      .map((folder) => path.join(folder, packageId, version, 'tools', binaryName))
      .find((file) => existsSync(file));
    if (!restored)
      return {
        kind: 'unavailable',
        reason: `the restored ${packageId} ${version} has no tools/${binaryName}`,
      };
    mkdirSync(path.dirname(cached), { recursive: true });
    // Copy then rename: a concurrent run sees either no binary or a whole one.
    const partial = `${cached}.${process.pid}.partial`;
    copyFileSync(restored, partial);
    chmodSync(partial, 0o755);
    renameSync(partial, cached);
  } finally {
    rmSync(obj, { recursive: true, force: true });
  }
  const installed = versionOf(cached);
  if (!installed?.includes(version))
    return { kind: 'unavailable', reason: `${cached} does not run or is not version ${version}` };
  return { kind: 'ready', compiler: { path: cached, version: installed } };
}
