import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { obtainBicepCompiler, repositoryRoot, type BicepCompiler } from '../../infra/build/bicepCompiler';
import { checkBicep, formatDiagnostic, type BicepCheckResult } from '../../infra/build/checkBicep';

/**
 * The Bicep compiler for tests that need it (restored through NuGet on first use; see
 * infra/build/bicepCompiler.ts). Where it cannot be had, those tests are skipped with the reason printed,
 * unless BICEP_CHECK=required (.ci/run), where that is a failure.
 */
export const ROOT = repositoryRoot();

function compilerOrSkip(): BicepCompiler | undefined {
  const obtained = obtainBicepCompiler(ROOT);
  if (obtained.kind === 'ready') return obtained.compiler;
  if (process.env.BICEP_CHECK === 'required')
    throw new Error(`BICEP_CHECK=required, but the Bicep compiler could not be had: ${obtained.reason}`);
  console.warn(`SKIPPED: tests that need the Bicep compiler did not run: ${obtained.reason}`);
  return undefined;
}

export const bicep = compilerOrSkip();
export const describeWithBicep = bicep ? describe : describe.skip;

/** Checks an entry file into a fresh folder of its own; the ARM JSON is at `outFile`. */
export function checkInTempDir(
  compiler: BicepCompiler,
  entry: string,
  config?: string,
): BicepCheckResult & { outFile: string; report: string } {
  const outFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'bicep-check-')), 'template.json');
  const result = checkBicep(compiler, { entry: path.resolve(ROOT, entry), outFile, config });
  const report = [...result.diagnostics.map((d) => formatDiagnostic(d, ROOT)), ...result.otherErrors].join(
    '\n',
  );
  return { ...result, outFile, report };
}

/** An ARM template as `bicep build` writes it (languageVersion 2.0: resources keyed by symbolic name). */
export interface ArmTemplate {
  readonly parameters: Record<string, { type: string; defaultValue?: unknown }>;
  readonly variables?: Record<string, unknown>;
  readonly resources: Record<string, ArmResource> | ArmResource[];
  readonly outputs?: Record<string, { type: string; value: unknown }>;
}

export interface ArmResource {
  readonly type: string;
  readonly apiVersion?: string;
  readonly name: string;
  readonly scope?: string;
  readonly kind?: string;
  readonly properties?: Record<string, any>;
  readonly [key: string]: unknown;
}

/** infra/azure/main.bicep compiled with every module, once per test file. */
export function compileMainTemplate(compiler: BicepCompiler): ArmTemplate {
  const result = checkInTempDir(compiler, 'infra/azure/main.bicep');
  if (!result.ok) throw new Error(`infra/azure/main.bicep does not pass the Bicep check:\n${result.report}`);
  return JSON.parse(readFileSync(result.outFile, 'utf8')) as ArmTemplate;
}
