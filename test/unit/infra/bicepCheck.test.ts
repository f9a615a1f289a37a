import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { failsCheck, parseDiagnostics } from '../../../infra/build/checkBicep';
import { ROOT, bicep, checkInTempDir, describeWithBicep } from '../../support/bicep';

/**
 * The Bicep check (infra/build/checkBicep.ts): the real compiler, restored through NuGet, compiles and
 * lints infra/azure under infra/azure/bicepconfig.json; templates with deliberate errors in
 * test/fixtures/bicep make it fail, each for its own reason.
 */
const CONFIG = path.join(ROOT, 'infra/azure/bicepconfig.json');

describe('Bicep diagnostics as the CLI prints them', () => {
  // Lines as Bicep CLI 0.49.2 printed them for the fixtures below.
  const output = [
    '/w/test/fixtures/bicep/wrongType.bicep(14,27) : Warning BCP036: The property "allowSharedKeyAccess" expected a value of type "bool | null" but the provided value is of type "\'false\'". If this is a resource type definition inaccuracy, report it using https://aka.ms/bicep-type-issues. [https://aka.ms/bicep/core-diagnostics#BCP036]',
    '/w/test/fixtures/bicep/lintError.bicep(6,7) : Error no-unused-params: Parameter "unused" is declared but never used. [https://aka.ms/bicep/linter-diagnostics#no-unused-params]',
    "/w/infra/azure/modules/storage.bicep(14,53) : Warning use-recent-api-versions: Use more recent API version for 'Microsoft.Storage/storageAccounts'. [https://aka.ms/bicep/linter-diagnostics#use-recent-api-versions]",
    'Bicep CLI version 0.49.2 (b34271ac51)',
  ].join('\n');

  it('when the output is parsed, then each diagnostic line becomes one diagnostic with its file, place, level and code', () => {
    const diagnostics = parseDiagnostics(output);
    expect(diagnostics.map((d) => [path.basename(d.file), d.line, d.column, d.level, d.code])).toEqual([
      ['wrongType.bicep', 14, 27, 'Warning', 'BCP036'],
      ['lintError.bicep', 6, 7, 'Error', 'no-unused-params'],
      ['storage.bicep', 14, 53, 'Warning', 'use-recent-api-versions'],
    ]);
    expect(diagnostics[1]!.message).toBe('Parameter "unused" is declared but never used.');
  });

  it('when diagnostics are judged, then errors and compiler warnings fail the check and a linter warning does not', () => {
    expect(parseDiagnostics(output).map(failsCheck)).toEqual([true, true, false]);
  });
});

describeWithBicep('the Bicep check with the real compiler', () => {
  const compiler = bicep!;

  it('when infra/azure/main.bicep is compiled and linted, then nothing fails and the ARM template is written', () => {
    const result = checkInTempDir(compiler, 'infra/azure/main.bicep');
    expect(result.report).toBe('');
    expect(result.ok).toBe(true);
    expect(existsSync(result.outFile)).toBe(true);
    const template = JSON.parse(readFileSync(result.outFile, 'utf8'));
    expect(Object.keys(template.resources)).toEqual(
      expect.arrayContaining(['rg', 'identity', 'storage', 'monitoring', 'keyVault', 'email', 'functionApp']),
    );
  });

  it('when a correct fixture module is checked alone, then it passes (the fixtures below fail for their error only)', () => {
    const result = checkInTempDir(compiler, 'test/fixtures/bicep/modules/account.bicep', CONFIG);
    expect(result.report).toBe('');
    expect(result.ok).toBe(true);
  });

  it.each([
    ['moduleError.bicep', 'a module used without its required parameter', 'Error', 'BCP035'],
    ['wrongType.bicep', 'a string given to a bool property', 'Warning', 'BCP036'],
    ['misspeltProperty.bicep', 'a misspelt resource property', 'Warning', 'BCP089'],
    ['lintError.bicep', 'an unused parameter', 'Error', 'no-unused-params'],
    ['lintError.bicep', 'a parameter without a description', 'Error', 'use-description-params'],
  ])('when %s (%s) is checked, then the check fails with %s %s', (file, _what, level, code) => {
    const result = checkInTempDir(compiler, `test/fixtures/bicep/${file}`, CONFIG);
    expect(result.ok).toBe(false);
    expect(result.failures.map((d) => `${d.level} ${d.code}`)).toContain(`${level} ${code}`);
  });

  it('when the compiler runs, then it is the version pinned in infra/azure/bicep/BicepCompiler.csproj', () => {
    const csproj = readFileSync(path.join(ROOT, 'infra/azure/bicep/BicepCompiler.csproj'), 'utf8');
    const pinned = /Version="([^"]+)"/.exec(csproj)?.[1];
    expect(compiler.version).toContain(`Bicep CLI version ${pinned} `);
  });
});
