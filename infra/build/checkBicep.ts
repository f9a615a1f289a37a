import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { obtainBicepCompiler, repositoryRoot, type BicepCompiler } from './bicepCompiler';

/**
 * Compiles a Bicep entry file (and every module it uses) to ARM JSON with `bicep build`, and lints it with
 * `bicep lint`, under the bicepconfig.json found beside it (infra/azure/bicepconfig.json) or the one given.
 *
 * What fails the check: every diagnostic at level Error (the compiler's own errors and the linter rules
 * that bicepconfig.json raises to error), and every compiler warning (BCP…: an unknown property, a value
 * of the wrong type, a resource type without type data), whose level no configuration can raise. A linter
 * rule that bicepconfig.json leaves at warning on purpose is printed and does not fail it.
 *
 * `npm test` runs it (`node dist/infra/build/checkBicep.js`). Where the compiler cannot be had (no .NET
 * SDK), it says so and passes, unless BICEP_CHECK=required (.ci/run), where it fails.
 */
export interface BicepDiagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly level: 'Error' | 'Warning' | 'Info';
  readonly code: string;
  readonly message: string;
}

export interface BicepCheckResult {
  readonly diagnostics: readonly BicepDiagnostic[];
  readonly failures: readonly BicepDiagnostic[];
  /** Output that is no diagnostic, from a run that failed (a missing file, a crash). */
  readonly otherErrors: readonly string[];
  readonly ok: boolean;
}

export interface BicepCheckOptions {
  readonly entry: string;
  /** Where `bicep build` writes the ARM JSON. */
  readonly outFile: string;
  /** A bicepconfig.json to use instead of the one found beside the entry. */
  readonly config?: string;
}

const DIAGNOSTIC = /^(.+)\((\d+),(\d+)\) : (Error|Warning|Info) ([\w-]+): (.*?)(?: \[https?:[^\]]*\])?$/;

export function parseDiagnostics(output: string): BicepDiagnostic[] {
  return output.split(/\r?\n/).flatMap((line) => {
    const m = DIAGNOSTIC.exec(line.trim());
    if (!m) return [];
    return [
      {
        file: m[1]!,
        line: Number(m[2]),
        column: Number(m[3]),
        level: m[4] as BicepDiagnostic['level'],
        code: m[5]!,
        message: m[6]!,
      },
    ];
  });
}

export function failsCheck(d: BicepDiagnostic): boolean {
  return d.level === 'Error' || (d.level === 'Warning' && /^BCP\d+$/.test(d.code));
}

export function checkBicep(compiler: BicepCompiler, options: BicepCheckOptions): BicepCheckResult {
  const config = options.config ? ['--config', options.config] : [];
  mkdirSync(path.dirname(options.outFile), { recursive: true });
  const runs = [
    ['build', options.entry, '--outfile', options.outFile, ...config],
    ['lint', options.entry, ...config],
  ].map((args) => spawnSync(compiler.path, args, { encoding: 'utf8' }));
  const seen = new Set<string>();
  const diagnostics: BicepDiagnostic[] = [];
  const otherErrors: string[] = [];
  for (const run of runs) {
    const output = `${run.stdout}${run.stderr}`;
    const found = parseDiagnostics(output);
    for (const d of found) {
      const key = `${d.file}(${d.line},${d.column}) ${d.code}`;
      if (!seen.has(key)) {
        seen.add(key);
        diagnostics.push(d);
      }
    }
    if (run.status !== 0 && !found.some(failsCheck))
      otherErrors.push(output.trim() || `${compiler.path} exited with ${run.status ?? run.signal}`);
  }
  const failures = diagnostics.filter(failsCheck);
  return { diagnostics, failures, otherErrors, ok: failures.length === 0 && otherErrors.length === 0 };
}

export function formatDiagnostic(d: BicepDiagnostic, root: string): string {
  return `${path.relative(root, d.file)}(${d.line},${d.column}) ${d.level} ${d.code}: ${d.message}`;
}

function main(): number {
  const root = repositoryRoot();
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const entry = path.resolve(root, option('--entry') ?? 'infra/azure/main.bicep');
  const config = option('--config');
  const outFile = path.resolve(root, option('--outfile') ?? '.local/bicep/main.json');
  const required = process.env.BICEP_CHECK === 'required';

  const obtained = obtainBicepCompiler(root);
  if (obtained.kind === 'unavailable') {
    if (required) {
      console.error(`Bicep check FAILED: the compiler could not be had: ${obtained.reason}`);
      return 1;
    }
    console.log(`Bicep check SKIPPED (infra/azure was not compiled or linted): ${obtained.reason}`);
    return 0;
  }
  const result = checkBicep(obtained.compiler, {
    entry,
    outFile,
    config: config ? path.resolve(root, config) : undefined,
  });
  for (const d of result.diagnostics)
    console.log(`${failsCheck(d) ? 'FAIL' : 'note'} ${formatDiagnostic(d, root)}`);
  for (const e of result.otherErrors) console.log(e);
  const count = (level: BicepDiagnostic['level']) =>
    result.diagnostics.filter((d) => d.level === level).length;
  console.log(
    `${obtained.compiler.version}: ${path.relative(root, entry)} with its modules compiled to ` +
      `${path.relative(root, outFile)} and linted: ${count('Error')} errors, ${count('Warning')} warnings, ` +
      `${result.failures.length + result.otherErrors.length} failing the check.`,
  );
  return result.ok ? 0 : 1;
}

if (require.main === module) process.exitCode = main();
