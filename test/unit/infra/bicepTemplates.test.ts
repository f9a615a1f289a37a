import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, parseConfig } from '../../../shared/config/config';

/**
 * No Bicep compiler can be had on this machine (none on the npm registry or in Debian that does not
 * download a binary from elsewhere; see infra/azure/README.md), so the templates are read as text.
 * This is a structural check, not a compilation: it finds each resource declaration and its body by
 * bracket matching, and asserts on the properties that matter, on the wiring between main.bicep and its
 * modules, and on the app settings, which it turns into an environment and hands to the app's own
 * parseConfig, proving that the app would start with them.
 */
const ROOT = path.resolve(__dirname, '../../..');
const INFRA = path.join(ROOT, 'infra/azure');
const read = (file: string) => readFileSync(path.join(INFRA, file), 'utf8');
const MODULE_FILES = readdirSync(path.join(INFRA, 'modules'))
  .filter((f) => f.endsWith('.bicep'))
  .map((f) => `modules/${f}`);
const BICEP_FILES = ['main.bicep', ...MODULE_FILES];
const source = new Map(BICEP_FILES.map((f) => [f, stripComments(read(f))]));
const all = () => [...source.entries()];
const text = (file: string) => {
  const t = source.get(file);
  if (t === undefined) throw new Error(`${file} not found`);
  return t;
};

// ---- a small reader for Bicep text -----------------------------------------------------------------

/** Removes // and /* comments outside string literals ('https://' stays). */
function stripComments(bicep: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < bicep.length; i++) {
    const c = bicep[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += bicep[++i] ?? '';
      else if (c === "'") inString = false;
    } else if (c === "'") {
      inString = true;
      out += c;
    } else if (c === '/' && bicep[i + 1] === '/') {
      while (i < bicep.length && bicep[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && bicep[i + 1] === '*') {
      i = bicep.indexOf('*/', i + 2) + 1;
    } else out += c;
  }
  return out;
}

/** The text between the bracket at `open` and its match, skipping string literals. */
function balanced(t: string, open: number): string {
  const pairs: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
  const stack: string[] = [];
  let inString = false;
  for (let i = open; i < t.length; i++) {
    const c = t[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === "'") inString = false;
    } else if (c === "'") inString = true;
    else if (pairs[c]) stack.push(pairs[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return t.slice(open + 1, i);
    }
  }
  throw new Error(`unbalanced bracket at ${open}`);
}

interface Declaration {
  readonly file: string;
  readonly symbol: string;
  readonly type: string;
  readonly apiVersion: string;
  readonly body: string;
}

function resources(): Declaration[] {
  return all().flatMap(([file, t]) =>
    [...t.matchAll(/^resource\s+(\w+)\s+'([^'@]+)@([^']+)'\s*=\s*([[{])/gm)].map((m) => ({
      file,
      symbol: m[1]!,
      type: m[2]!,
      apiVersion: m[3]!,
      body: balanced(t, m.index + m[0].length - 1),
    })),
  );
}

function resourcesOfType(type: string): Declaration[] {
  return resources().filter((r) => r.type.toLowerCase() === type.toLowerCase());
}

/** The value block of `key: {` or `key: [` inside a body. */
function block(body: string, key: string): string {
  const m = new RegExp(`\\b${key}:\\s*([[{])`).exec(body);
  if (!m) throw new Error(`no ${key} block`);
  return balanced(body, m.index + m[0].length - 1);
}

/** Keys at the top level of an object body. */
function topLevelKeys(objectBody: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let inString = false;
  for (const line of objectBody.split('\n')) {
    if (depth === 0 && !inString) {
      const m = /^\s*'?([\w$.-]+)'?\s*:/.exec(line);
      if (m) keys.push(m[1]!);
    }
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (inString) {
        if (c === '\\') i++;
        else if (c === "'") inString = false;
      } else if (c === "'") inString = true;
      else if ('{[('.includes(c)) depth++;
      else if ('}])'.includes(c)) depth--;
    }
  }
  return keys;
}

interface Param {
  readonly name: string;
  readonly hasDefault: boolean;
  readonly secure: boolean;
}

function params(t: string): Param[] {
  return [...t.matchAll(/((?:@\w+\([^\n]*\)\s*\n)*)param\s+(\w+)\s+\w+(\s*=)?/g)].map((m) => ({
    name: m[2]!,
    hasDefault: Boolean(m[3]),
    secure: /@secure\(\)/.test(m[1]!),
  }));
}

const outputs = (t: string) => [...t.matchAll(/^output\s+(\w+)\s+\w+\s*=\s*(.+)$/gm)].map((m) => m[1]!);

interface ModuleUse {
  readonly symbol: string;
  readonly file: string;
  readonly params: string[];
}

function modules(): ModuleUse[] {
  const t = text('main.bicep');
  return [...t.matchAll(/^module\s+(\w+)\s+'([^']+)'\s*=\s*\{/gm)].map((m) => ({
    symbol: m[1]!,
    file: m[2]!,
    params: topLevelKeys(block(balanced(t, m.index + m[0].length - 1), 'params')),
  }));
}

// ---- the app settings, as the platform would hand them to the app ----------------------------------

interface Setting {
  readonly name: string;
  readonly expression: string;
}

function appSettings(): Setting[] {
  const [site] = resourcesOfType('Microsoft.Web/sites');
  if (!site) throw new Error('no Microsoft.Web/sites');
  const list = block(block(site.body, 'siteConfig'), 'appSettings');
  return [...list.matchAll(/\{\s*name:\s*'([^']+)'\s*\n\s*value:\s*([^\n]*?)\s*\n\s*\}/g)].map((m) => ({
    name: m[1]!,
    expression: m[2]!,
  }));
}

const KEY_VAULT_REFERENCE = /^'@Microsoft\.KeyVault\(SecretUri=\$\{\w+\}\)'$/;

/**
 * What the app would find in its environment. A string literal is itself; an interpolation has each
 * `${…}` replaced by "placeholder"; a bare expression (a parameter or a module output, known only at
 * deployment) stands for a URL-shaped value (the connection string for one of its own shape); a Key Vault reference resolves, as the platform does, to
 * the secret: 32 random bytes in base64, as the azd preprovision hook makes them. WEBSITE_INSTANCE_ID is
 * added because the platform sets it on every instance: with it, dev mode is refused.
 */
/** Bare expressions whose value is not a URL: what the platform would hand the app. */
const BARE_EXPRESSION_VALUES: Record<string, string> = {
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://placeholder.invalid/;ApplicationId=placeholder',
  EMAIL_SENDER_ADDRESS: 'DoNotReply@placeholder.azurecomm.net',
};

function environmentOf(settings: Setting[]): Record<string, string> {
  const env: Record<string, string> = { WEBSITE_INSTANCE_ID: 'placeholder-instance' };
  for (const { name, expression } of settings) {
    if (KEY_VAULT_REFERENCE.test(expression)) env[name] = randomBytes(32).toString('base64');
    else if (/^'.*'$/.test(expression))
      env[name] = expression.slice(1, -1).replace(/\$\{[^}]*\}/g, 'placeholder');
    else env[name] = BARE_EXPRESSION_VALUES[name] ?? 'https://placeholder.invalid/';
  }
  return env;
}

function configErrorOf(env: Record<string, string>): string | undefined {
  try {
    parseConfig(env);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

// ---- secrets ----------------------------------------------------------------------------------------

/** A run of base64 characters that looks random (many distinct symbols, mixed classes): a key, not a path. */
function looksLikeKey(candidate: string): boolean {
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/].filter((re) => re.test(candidate)).length;
  return candidate.length >= 32 && classes === 3 && new Set(candidate).size >= 20;
}

function secretLiterals(content: string): string[] {
  const found: string[] = [];
  for (const re of [/AccountKey=/i, /SharedAccessSignature=/i, /InstrumentationKey=/i, /\blistKeys\(/]) {
    const m = re.exec(content);
    if (m) found.push(m[0]);
  }
  for (const m of content.matchAll(/[A-Za-z0-9+/]{32,}={0,2}/g)) if (looksLikeKey(m[0])) found.push(m[0]);
  return found;
}

// ---- the checks -------------------------------------------------------------------------------------

describe('infra/azure Bicep templates (structural check; no compiler here)', () => {
  it('when main.bicep is read, then it has the parameters azd fills and the outputs a partner needs', () => {
    const main = text('main.bicep');
    const names = params(main).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['environmentName', 'location', 'entraClientId', 'tags']));
    expect(params(main).find((p) => p.name === 'tags')?.hasDefault).toBe(true);
    expect(outputs(main)).toEqual(
      expect.arrayContaining(['FUNCTION_APP_URL', 'API_BASE_URL', 'OPENAPI_URL', 'KEY_VAULT_NAME']),
    );
    expect(main).toMatch(/^output API_BASE_URL string = '\$\{functionApp\.outputs\.url\}\/api'$/m);
    expect(main).toMatch(
      /^output OPENAPI_URL string = '\$\{functionApp\.outputs\.url\}\/api\/openapi\.json'$/m,
    );
    // The browser sign-in's callback (functions/http/entraSignIn.ts), to register on the Entra app.
    expect(main).toMatch(
      /^output ENTRA_REDIRECT_URI string = '\$\{functionApp\.outputs\.url\}\/api\/auth\/callback'$/m,
    );
  });

  it('when main.parameters.json is read, then every parameter it sets is declared and comes from the azd environment', () => {
    const file = JSON.parse(read('main.parameters.json'));
    const declared = params(text('main.bicep'));
    const entries = Object.entries(file.parameters as Record<string, { value: unknown }>);
    expect(entries.map(([k]) => k).filter((k) => !declared.some((p) => p.name === k))).toEqual([]);
    expect(entries.filter(([, v]) => !/^\$\{[A-Z_]+\}$/.test(String(v.value))).map(([k]) => k)).toEqual([]);
    const required = declared.filter((p) => !p.hasDefault).map((p) => p.name);
    expect(required.filter((name) => !(name in file.parameters))).toEqual([]);
  });

  it('when modules are used, then each file exists, gets only parameters it declares and every one it requires', () => {
    const problems: string[] = [];
    const used = modules();
    for (const m of used) {
      const t = source.get(m.file);
      if (t === undefined) {
        problems.push(`${m.symbol}: ${m.file} does not exist`);
        continue;
      }
      const declared = params(t);
      for (const p of m.params)
        if (!declared.some((d) => d.name === p)) problems.push(`${m.symbol}: unknown param ${p}`);
      for (const d of declared)
        if (!d.hasDefault && !m.params.includes(d.name))
          problems.push(`${m.symbol}: missing param ${d.name}`);
    }
    for (const file of MODULE_FILES)
      if (!used.some((m) => m.file === file)) problems.push(`${file} is not used by main.bicep`);
    expect(problems).toEqual([]);
  });

  it('when a module output is referenced, then the module declares it', () => {
    const byModule = new Map(modules().map((m) => [m.symbol, outputs(text(m.file))]));
    const unknown = [...text('main.bicep').matchAll(/\b(\w+)\.outputs\.(\w+)/g)]
      .filter((m) => !byModule.get(m[1]!)?.includes(m[2]!))
      .map((m) => m[0]);
    expect(unknown).toEqual([]);
  });

  it('when resources are declared, then every API version is a dated stable version', () => {
    const declared = resources();
    expect(declared.length).toBeGreaterThan(10);
    const unstable = declared.filter((r) => !/^\d{4}-\d{2}-\d{2}$/.test(r.apiVersion));
    expect(unstable.map((r) => `${r.type}@${r.apiVersion}`)).toEqual([]);
  });

  it('when the required resource types are looked for, then each is declared', () => {
    const required = [
      'Microsoft.Resources/resourceGroups',
      'Microsoft.ManagedIdentity/userAssignedIdentities',
      'Microsoft.Web/serverfarms',
      'Microsoft.Web/sites',
      'Microsoft.Storage/storageAccounts',
      'Microsoft.Storage/storageAccounts/blobServices/containers',
      'Microsoft.Authorization/roleAssignments',
      'Microsoft.OperationalInsights/workspaces',
      'Microsoft.Insights/components',
      'Microsoft.KeyVault/vaults',
      'Microsoft.KeyVault/vaults/secrets',
      'Microsoft.Communication/communicationServices',
      'Microsoft.Communication/emailServices',
      'Microsoft.Communication/emailServices/domains',
    ];
    const declared = new Set(resources().map((r) => r.type.toLowerCase()));
    expect(required.filter((type) => !declared.has(type.toLowerCase()))).toEqual([]);
  });

  it('when the plan is read, then it is Flex Consumption FC1 on Linux', () => {
    const [plan] = resourcesOfType('Microsoft.Web/serverfarms');
    const sku = block(plan!.body, 'sku');
    expect(sku).toMatch(/name:\s*'FC1'/);
    expect(sku).toMatch(/tier:\s*'FlexConsumption'/);
    expect(plan!.body).toMatch(/reserved:\s*true/);
  });

  it('when the function app is read, then it runs Node 22 on Flex as the user-assigned identity and deploys from blob with it', () => {
    const [site] = resourcesOfType('Microsoft.Web/sites');
    const body = site!.body;
    expect(body).toMatch(/kind:\s*'functionapp,linux'/);
    expect(body).toMatch(/'azd-service-name':\s*'api'/);
    expect(block(body, 'identity')).toMatch(/type:\s*'UserAssigned'/);
    expect(body).toMatch(/httpsOnly:\s*true/);
    expect(body).toMatch(/keyVaultReferenceIdentity:\s*identityId/);
    const config = block(body, 'functionAppConfig');
    const runtime = block(config, 'runtime');
    expect(runtime).toMatch(/name:\s*'node'/);
    expect(runtime).toMatch(/version:\s*'22'/);
    const storage = block(block(config, 'deployment'), 'storage');
    expect(storage).toMatch(/type:\s*'blobContainer'/);
    expect(block(storage, 'authentication')).toMatch(/type:\s*'UserAssignedIdentity'/);
  });

  it('when the storage account is read, then shared keys are off, TLS 1.2 is the minimum and blobs are private', () => {
    const [account] = resourcesOfType('Microsoft.Storage/storageAccounts');
    const props = block(account!.body, 'properties');
    expect(props).toMatch(/allowSharedKeyAccess:\s*false/);
    expect(props).toMatch(/minimumTlsVersion:\s*'TLS1_2'/);
    expect(props).toMatch(/allowBlobPublicAccess:\s*false/);
    expect(props).toMatch(/supportsHttpsTrafficOnly:\s*true/);
  });

  it.each([
    ['Storage Blob Data Owner', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', 'Microsoft.Storage/storageAccounts'],
    [
      'Storage Queue Data Contributor',
      '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
      'Microsoft.Storage/storageAccounts',
    ],
    [
      'Storage Table Data Contributor',
      '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
      'Microsoft.Storage/storageAccounts',
    ],
    ['Monitoring Metrics Publisher', '3913510d-42f4-4e42-8a64-420c390055eb', 'Microsoft.Insights/components'],
    ['Key Vault Secrets User', '4633458b-17de-408a-b874-0445c86b69e6', 'Microsoft.KeyVault/vaults'],
    [
      'Contributor (send email)',
      'b24988ac-6180-42a0-ab88-20f7138076d5',
      'Microsoft.Communication/communicationServices',
    ],
  ])(
    'when role assignments are read, then the identity gets %s (%s) on the %s resource',
    (role, guid, scopeType) => {
      const [target] = resourcesOfType(scopeType);
      if (!target) throw new Error(`${scopeType} is not declared`);
      const assignments = resourcesOfType('Microsoft.Authorization/roleAssignments').filter(
        (r) => r.file === target.file && new RegExp(`\\bscope:\\s*${target.symbol}\\b`).test(r.body),
      );
      const file = text(target.file);
      const granted = assignments.some(
        (a) =>
          /principalId:\s*principalId/.test(a.body) &&
          /principalType:\s*'ServicePrincipal'/.test(a.body) &&
          /subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions'/.test(a.body),
      );
      expect({ role, guidDeclared: file.includes(`'${guid}'`), granted }).toEqual({
        role,
        guidDeclared: true,
        granted: true,
      });
    },
  );

  it('when Application Insights is read, then it is workspace-based with local auth off', () => {
    const [component] = resourcesOfType('Microsoft.Insights/components');
    const props = block(component!.body, 'properties');
    expect(props).toMatch(/DisableLocalAuth:\s*true/);
    expect(props).toMatch(/WorkspaceResourceId:\s*workspace\.id/);
  });

  it('when Key Vault is read, then it uses RBAC authorization with purge protection, and holds both keys', () => {
    const [vault] = resourcesOfType('Microsoft.KeyVault/vaults');
    const props = block(vault!.body, 'properties');
    expect(props).toMatch(/enableRbacAuthorization:\s*true/);
    expect(props).toMatch(/enablePurgeProtection:\s*true/);
    const secrets = resourcesOfType('Microsoft.KeyVault/vaults/secrets').map(
      (s) => /name:\s*'([^']+)'/.exec(s.body)?.[1],
    );
    expect(secrets.sort()).toEqual(['link-signing-key', 'session-secret']);
  });

  it('when email is read, then Communication Services is linked to an Azure-managed email domain', () => {
    const [domain] = resourcesOfType('Microsoft.Communication/emailServices/domains');
    expect(domain!.body).toMatch(/domainManagement:\s*'AzureManaged'/);
    const [acs] = resourcesOfType('Microsoft.Communication/communicationServices');
    expect(block(acs!.body, 'linkedDomains')).toMatch(new RegExp(`\\b${domain!.symbol}\\.id\\b`));
  });

  describe('app settings', () => {
    const settings = appSettings();
    const byName = new Map(settings.map((s) => [s.name, s.expression]));

    it('when the settings are listed, then each name appears once', () => {
      const names = settings.map((s) => s.name);
      expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
      expect(names.length).toBeGreaterThanOrEqual(12);
    });

    it.each([
      ['AzureWebJobsStorage__accountName', /^storageAccountName$/],
      ['AzureWebJobsStorage__credential', /^'managedidentity'$/],
      ['AzureWebJobsStorage__clientId', /^identityClientId$/],
      ['STORAGE_TABLE_ENDPOINT', /^storageTableEndpoint$/],
      ['AUTH_MODE', /^'entra'$/],
      ['ENTRA_CLIENT_ID', /^entraClientId$/],
      ['TOKEN_AUDIENCE', /^tokenAudience$/],
      ['PUBLIC_BASE_URL', /^'https:\/\/\$\{name\}\.azurewebsites\.net'$/],
      ['TASK_HUB_NAME', /^'[A-Za-z][A-Za-z0-9]{2,44}'$/],
      ['LINK_SIGNING_KEY', KEY_VAULT_REFERENCE],
      ['SESSION_SECRET', KEY_VAULT_REFERENCE],
      ['APPLICATIONINSIGHTS_CONNECTION_STRING', /^appInsightsConnectionString$/],
      ['APPLICATIONINSIGHTS_AUTHENTICATION_STRING', /^'ClientId=\$\{identityClientId\};Authorization=AAD'$/],
      ['ACS_ENDPOINT', /^communicationServiceEndpoint$/],
    ])('when %s is looked up, then it is set as required', (name, pattern) => {
      expect({ name, value: byName.get(name) }).toEqual({ name, value: expect.stringMatching(pattern) });
    });

    it('when the settings are read, then no connection string or setting that Flex Consumption rejects is among them', () => {
      const refused = [
        'AzureWebJobsStorage',
        'STORAGE_CONNECTION_STRING',
        'FUNCTIONS_WORKER_RUNTIME',
        'FUNCTIONS_EXTENSION_VERSION',
        'WEBSITE_NODE_DEFAULT_VERSION',
        'WEBSITE_RUN_FROM_PACKAGE',
        'WEBSITE_CONTENTSHARE',
        'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
        'DEV_ISSUER_PRIVATE_JWK',
      ];
      expect(refused.filter((name) => byName.has(name))).toEqual([]);
    });

    it('when host.json names an app setting (%NAME%), then the Function App sets it', () => {
      const host = readFileSync(path.join(ROOT, 'host.json'), 'utf8');
      const referenced = [...host.matchAll(/%(\w+)%/g)].map((m) => m[1]!);
      expect(referenced.length).toBeGreaterThan(0);
      expect(referenced.filter((name) => !byName.has(name))).toEqual([]);
    });

    it("when the settings become the app's environment, then parseConfig accepts them in entra mode with identity-based storage", () => {
      const env = environmentOf(settings);
      expect(configErrorOf(env)).toBeUndefined();
      const cfg = parseConfig(env);
      expect(cfg.authMode).toBe('entra');
      expect(cfg.storage).toEqual({ connectionString: undefined, tableEndpoint: env.STORAGE_TABLE_ENDPOINT });
      expect(cfg.publicBaseUrl).toMatch(/^https:\/\//);
      expect(cfg.entra.clientId).toBeTruthy();
    });

    it.each(['ENTRA_CLIENT_ID', 'LINK_SIGNING_KEY', 'SESSION_SECRET', 'STORAGE_TABLE_ENDPOINT'])(
      'when %s is left out of the settings, then parseConfig refuses to start and names it (the check can fail)',
      (name) => {
        const env = environmentOf(settings.filter((s) => s.name !== name));
        expect(configErrorOf(env)).toContain(name);
      },
    );

    it('when AUTH_MODE were dev on the platform, then parseConfig refuses it', () => {
      const env = { ...environmentOf(settings), AUTH_MODE: 'dev' };
      expect(configErrorOf(env)).toContain('AUTH_MODE');
    });
  });

  describe('secrets', () => {
    it('when the detector is shown a generated key or an account key, then it flags it (it can fail)', () => {
      expect(secretLiterals(`value: '${randomBytes(32).toString('base64')}'`)).toHaveLength(1);
      expect(secretLiterals("'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=y'")).toEqual([
        'AccountKey=',
      ]);
    });

    it('when infra/azure and azure.yaml are scanned, then no secret literal appears in them', () => {
      const files = [
        ...BICEP_FILES.map((f) => [f, read(f)] as const),
        ['main.parameters.json', read('main.parameters.json')] as const,
        ['azure.yaml', readFileSync(path.join(ROOT, 'azure.yaml'), 'utf8')] as const,
      ];
      expect(files.flatMap(([f, content]) => secretLiterals(content).map((s) => `${f}: ${s}`))).toEqual([]);
    });

    it('when secure parameters are declared, then none has a default value or is returned as an output', () => {
      const problems = all().flatMap(([file, t]) =>
        params(t)
          .filter((p) => p.secure)
          .flatMap((p) => [
            ...(p.hasDefault ? [`${file}: ${p.name} has a default`] : []),
            ...(new RegExp(`^output\\s+\\w+\\s+\\w+\\s*=.*\\b${p.name}\\b`, 'm').test(t)
              ? [`${file}: ${p.name} is an output`]
              : []),
          ]),
      );
      expect(problems).toEqual([]);
      expect(
        params(text('modules/keyVault.bicep'))
          .filter((p) => p.secure)
          .map((p) => p.name),
      ).toEqual(['linkSigningKey', 'sessionSecret']);
    });
  });
});

describe('azure.yaml', () => {
  const yaml = parseYamlSubset(readFileSync(path.join(ROOT, 'azure.yaml'), 'utf8'));

  it('when azd reads azure.yaml, then the infrastructure is the Bicep in infra/azure', () => {
    expect(yaml.infra).toMatchObject({ provider: 'bicep', path: 'infra/azure', module: 'main' });
  });

  it('when azd reads azure.yaml, then service api is this folder, TypeScript, hosted on Functions', () => {
    expect(yaml.services).toEqual({ api: { project: '.', language: 'ts', host: 'function' } });
  });

  it('when azd provisions, then a preprovision hook makes the two keys the Bicep needs', () => {
    const hooks = yaml.hooks as Record<string, Record<string, Record<string, string>>>;
    for (const os of ['posix', 'windows']) {
      const run = hooks.preprovision?.[os]?.run ?? '';
      expect({ os, link: run.includes('LINK_SIGNING_KEY'), session: run.includes('SESSION_SECRET') }).toEqual(
        {
          os,
          link: true,
          session: true,
        },
      );
      expect(run).toContain('randomBytes(32)');
    }
  });
});

type YamlValue = string | { [key: string]: YamlValue };

/** Enough YAML for azure.yaml: nested mappings, scalars and `|` block scalars (no lists, no flow style). */
function parseYamlSubset(content: string): Record<string, YamlValue> {
  const root: Record<string, YamlValue> = {};
  const stack: { indent: number; node: Record<string, YamlValue> }[] = [{ indent: -1, node: root }];
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(#.*)?$/.test(line)) continue;
    const m = /^(\s*)([\w.-]+):\s*(.*?)\s*$/.exec(line);
    if (!m) throw new Error(`unsupported YAML line ${i + 1}: ${line}`);
    const indent = m[1]!.length;
    while (stack[stack.length - 1]!.indent >= indent) stack.pop();
    const parent = stack[stack.length - 1]!.node;
    const value = m[3]!;
    if (value === '|') {
      const block: string[] = [];
      while (
        i + 1 < lines.length &&
        (/^\s*$/.test(lines[i + 1]!) || /^(\s*)/.exec(lines[i + 1]!)![1]!.length > indent)
      )
        block.push(lines[++i]!.trim());
      parent[m[2]!] = block.join('\n');
    } else if (value === '') {
      const child: Record<string, YamlValue> = {};
      parent[m[2]!] = child;
      stack.push({ indent, node: child });
    } else parent[m[2]!] = value.replace(/^(['"])(.*)\1$/, '$2');
  }
  return root;
}
