import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, parseConfig } from '../../../shared/config/config';
import { parseYamlSubset } from '../../support/azureYaml';
import {
  ROOT,
  bicep,
  compileMainTemplate,
  describeWithBicep,
  type ArmResource,
  type ArmTemplate,
} from '../../support/bicep';

/**
 * What the Bicep compiler cannot tell about infra/azure: whether the templates grant the roles the
 * Functions host and Durable Functions need, whether the app settings are ones the app's own config parser
 * accepts, whether the resources are configured as this service intends (Flex Consumption, Node 22, shared
 * keys off, local auth off, purge protection as asked), and whether azd can fill the parameters. It reads
 * the ARM template that `bicep build` makes of main.bicep (test/support/bicep.ts); that the templates
 * compile and pass the linter is test/unit/infra/bicepCheck.test.ts and `npm run infra:check`.
 */
const INFRA = path.join(ROOT, 'infra/azure');
const read = (file: string) => readFileSync(path.join(INFRA, file), 'utf8');
const BICEP_FILES = [
  'main.bicep',
  ...readdirSync(path.join(INFRA, 'modules'))
    .filter((f) => f.endsWith('.bicep'))
    .map((f) => `modules/${f}`),
];

// ---- reading the compiled template -----------------------------------------------------------------

const list = (resources: ArmTemplate['resources']): ArmResource[] =>
  Array.isArray(resources) ? resources : Object.values(resources);

interface Placed {
  /** The module (main.bicep's symbolic name) whose template declares the resource; 'main' for main.bicep. */
  readonly module: string;
  readonly template: ArmTemplate;
  readonly resource: ArmResource;
}

function modulesOf(main: ArmTemplate): Map<string, { deployment: ArmResource; template: ArmTemplate }> {
  const entries = Array.isArray(main.resources)
    ? main.resources.map((r) => [r.name, r] as const)
    : Object.entries(main.resources);
  return new Map(
    entries
      .filter(([, r]) => r.type === 'Microsoft.Resources/deployments')
      .map(([symbol, r]) => [symbol, { deployment: r, template: r.properties!.template as ArmTemplate }]),
  );
}

function placedResources(main: ArmTemplate): Placed[] {
  return [
    ...list(main.resources)
      .filter((r) => r.type !== 'Microsoft.Resources/deployments')
      .map((resource) => ({ module: 'main', template: main, resource })),
    ...[...modulesOf(main)].flatMap(([module, { template }]) =>
      list(template.resources).map((resource) => ({ module, template, resource })),
    ),
  ];
}

function theOne(main: ArmTemplate, type: string): Placed {
  const found = placedResources(main).filter((p) => p.resource.type.toLowerCase() === type.toLowerCase());
  if (found.length !== 1) throw new Error(`${found.length} resources of type ${type}`);
  return found[0]!;
}

/** The value main.bicep passes to a module's parameter, as an ARM expression. */
function moduleParameter(main: ArmTemplate, module: string, name: string): unknown {
  const parameters = modulesOf(main).get(module)?.deployment.properties?.parameters as
    Record<string, { value: unknown }> | undefined;
  return parameters?.[name]?.value;
}

// ---- the app settings, as the platform would hand them to the app ----------------------------------

interface Setting {
  readonly name: string;
  readonly value: string;
}

const KEY_VAULT_REFERENCE = /^\[format\('@Microsoft\.KeyVault\(SecretUri=\{0\}\)', parameters\('\w+'\)\)\]$/;

/** Bare expressions whose value is not a URL: what the platform would hand the app. */
const EXPRESSION_VALUES: Record<string, string> = {
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://placeholder.invalid/;ApplicationId=placeholder',
  EMAIL_SENDER_ADDRESS: 'DoNotReply@placeholder.azurecomm.net',
};

/**
 * What the app would find in its environment. A literal is itself; a `format('…{0}…', …)` is its format
 * string with each argument "placeholder"; any other expression (a parameter or a module output, known
 * only at deployment) stands for a URL-shaped value (or one of its own shape, above); a Key Vault
 * reference resolves, as the platform does, to the secret: 32 random bytes in base64, as the azd
 * preprovision hook makes them. WEBSITE_INSTANCE_ID is added because the platform sets it on every
 * instance: with it, dev mode is refused.
 */
function environmentOf(settings: readonly Setting[]): Record<string, string> {
  const env: Record<string, string> = { WEBSITE_INSTANCE_ID: 'placeholder-instance' };
  for (const { name, value } of settings) {
    const format = /^\[format\('((?:[^']|'')*)'/.exec(value);
    if (KEY_VAULT_REFERENCE.test(value)) env[name] = randomBytes(32).toString('base64');
    else if (!value.startsWith('[')) env[name] = value;
    else if (format) env[name] = format[1]!.replace(/''/g, "'").replace(/\{\d+\}/g, 'placeholder');
    else env[name] = EXPRESSION_VALUES[name] ?? 'https://placeholder.invalid/';
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

describeWithBicep('infra/azure, compiled (what the compiler cannot tell)', () => {
  const main = compileMainTemplate(bicep!);

  it('when main.bicep is compiled, then it has the parameters azd fills and the outputs a partner needs', () => {
    expect(Object.keys(main.parameters)).toEqual(
      expect.arrayContaining([
        'environmentName',
        'location',
        'entraClientId',
        'keyVaultPurgeProtection',
        'tags',
      ]),
    );
    const outputs = main.outputs ?? {};
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['FUNCTION_APP_URL', 'API_BASE_URL', 'OPENAPI_URL', 'KEY_VAULT_NAME']),
    );
    const url = "reference('functionApp').outputs.url.value";
    expect(outputs.API_BASE_URL?.value).toBe(`[format('{0}/api', ${url})]`);
    expect(outputs.OPENAPI_URL?.value).toBe(`[format('{0}/api/openapi.json', ${url})]`);
    // The browser sign-in's callback (functions/http/entraSignIn.ts), to register on the Entra app.
    expect(outputs.ENTRA_REDIRECT_URI?.value).toBe(`[format('{0}/api/auth/callback', ${url})]`);
  });

  it('when main.parameters.json is read, then every parameter it sets is declared, comes from the azd environment, and every required one is set', () => {
    const file = JSON.parse(read('main.parameters.json'));
    const entries = Object.entries(file.parameters as Record<string, { value: unknown }>);
    expect(entries.map(([k]) => k).filter((k) => !(k in main.parameters))).toEqual([]);
    // `${NAME}` or azd's `${NAME=default}`.
    expect(
      entries.filter(([, v]) => !/^\$\{[A-Z_]+(=[^}]*)?\}$/.test(String(v.value))).map(([k]) => k),
    ).toEqual([]);
    const required = Object.entries(main.parameters)
      .filter(([, p]) => !('defaultValue' in p))
      .map(([name]) => name);
    expect(required.filter((name) => !(name in file.parameters))).toEqual([]);
  });

  it('when the plan is read, then it is Flex Consumption FC1 on Linux', () => {
    const { resource: plan } = theOne(main, 'Microsoft.Web/serverfarms');
    expect(plan.sku).toEqual({ tier: 'FlexConsumption', name: 'FC1' });
    expect(plan.properties?.reserved).toBe(true);
  });

  it('when the function app is read, then it runs Node 22 on Flex as the user-assigned identity and deploys from blob with it', () => {
    const { resource: site } = theOne(main, 'Microsoft.Web/sites');
    expect(site.kind).toBe('functionapp,linux');
    expect(site.tags).toBe("[union(parameters('tags'), createObject('azd-service-name', 'api'))]");
    expect(site.identity).toMatchObject({ type: 'UserAssigned' });
    const props = site.properties!;
    expect(props.httpsOnly).toBe(true);
    expect(props.keyVaultReferenceIdentity).toBe("[parameters('identityId')]");
    expect(props.functionAppConfig.runtime).toEqual({ name: 'node', version: '22' });
    expect(props.functionAppConfig.deployment.storage).toMatchObject({
      type: 'blobContainer',
      authentication: { type: 'UserAssignedIdentity' },
    });
  });

  it('when the storage account is read, then shared keys are off, TLS 1.2 is the minimum and blobs are private', () => {
    const { resource: account } = theOne(main, 'Microsoft.Storage/storageAccounts');
    expect(account.properties).toMatchObject({
      allowSharedKeyAccess: false,
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: false,
      supportsHttpsTrafficOnly: true,
    });
  });

  describe('role assignments', () => {
    const assignments = placedResources(main).filter(
      (p) => p.resource.type === 'Microsoft.Authorization/roleAssignments',
    );

    /** The built-in role IDs an assignment gives: a literal, a variable, or a loop over a variable array. */
    function roleIdsOf({ template, resource }: Placed): string[] {
      const id = /subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', (.+)\)\]$/.exec(
        String(resource.properties?.roleDefinitionId),
      )?.[1];
      const variables = template.variables ?? {};
      const variable = /^variables\('(\w+)'\)(\[copyIndex\(\)\]\.id)?$/.exec(id ?? '');
      if (!variable) return id ? [id.replace(/^'|'$/g, '')] : [];
      const value = variables[variable[1]!];
      return variable[2] ? (value as { id: string }[]).map((v) => v.id) : [String(value)];
    }

    it.each([
      [
        'Storage Blob Data Owner',
        'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
        'storage',
        'Microsoft.Storage/storageAccounts',
      ],
      [
        'Storage Queue Data Contributor',
        '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
        'storage',
        'Microsoft.Storage/storageAccounts',
      ],
      [
        'Storage Table Data Contributor',
        '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
        'storage',
        'Microsoft.Storage/storageAccounts',
      ],
      [
        'Monitoring Metrics Publisher',
        '3913510d-42f4-4e42-8a64-420c390055eb',
        'monitoring',
        'Microsoft.Insights/components',
      ],
      [
        'Key Vault Secrets User',
        '4633458b-17de-408a-b874-0445c86b69e6',
        'keyVault',
        'Microsoft.KeyVault/vaults',
      ],
      [
        'Contributor (send email)',
        'b24988ac-6180-42a0-ab88-20f7138076d5',
        'email',
        'Microsoft.Communication/communicationServices',
      ],
    ])(
      "when role assignments are read, then the app's identity gets %s (%s) in module %s, on its %s",
      (role, roleId, module, scopeType) => {
        const granted = assignments.filter(
          (a) =>
            a.module === module &&
            roleIdsOf(a).includes(roleId) &&
            String(a.resource.scope).startsWith(`[resourceId('${scopeType}', `) &&
            a.resource.properties?.principalId === "[parameters('principalId')]" &&
            a.resource.properties?.principalType === 'ServicePrincipal',
        );
        expect({ role, granted: granted.length }).toEqual({ role, granted: 1 });
        // …and main.bicep hands that module the identity's principal ID.
        expect(moduleParameter(main, module, 'principalId')).toBe(
          "[reference('identity').outputs.principalId.value]",
        );
      },
    );
  });

  it('when Application Insights is read, then it is workspace-based with local auth off', () => {
    const { resource: component } = theOne(main, 'Microsoft.Insights/components');
    expect(component.properties).toMatchObject({
      DisableLocalAuth: true,
      WorkspaceResourceId: expect.stringContaining("'Microsoft.OperationalInsights/workspaces'"),
    });
  });

  it('when Key Vault is read, then it uses RBAC authorization, purge protection follows keyVaultPurgeProtection (on by default), and it holds both keys', () => {
    const { resource: vault } = theOne(main, 'Microsoft.KeyVault/vaults');
    expect(vault.properties?.enableRbacAuthorization).toBe(true);
    // The API refuses enablePurgeProtection: false, so off is "not set" (null).
    expect(vault.properties?.enablePurgeProtection).toBe(
      "[if(parameters('purgeProtection'), true(), null())]",
    );
    expect(moduleParameter(main, 'keyVault', 'purgeProtection')).toBe(
      "[parameters('keyVaultPurgeProtection')]",
    );
    expect(main.parameters.keyVaultPurgeProtection).toMatchObject({ type: 'bool', defaultValue: true });
    const secrets = placedResources(main)
      .filter((p) => p.resource.type === 'Microsoft.KeyVault/vaults/secrets')
      .map((p) => /'([\w-]+)'\)\]$/.exec(p.resource.name)?.[1]);
    expect(secrets.sort()).toEqual(['link-signing-key', 'session-secret']);
  });

  it('when email is read, then Communication Services is linked to an Azure-managed email domain', () => {
    const { resource: domain } = theOne(main, 'Microsoft.Communication/emailServices/domains');
    expect(domain.properties?.domainManagement).toBe('AzureManaged');
    const { resource: acs } = theOne(main, 'Microsoft.Communication/communicationServices');
    expect(acs.properties?.linkedDomains).toEqual([
      expect.stringContaining("resourceId('Microsoft.Communication/emailServices/domains'"),
    ]);
  });

  it('when secure parameters are read, then the two keys are secure strings all the way to Key Vault', () => {
    expect(main.parameters.linkSigningKey?.type).toBe('securestring');
    expect(main.parameters.sessionSecret?.type).toBe('securestring');
    const keyVault = modulesOf(main).get('keyVault')!.template;
    expect(keyVault.parameters.linkSigningKey?.type).toBe('securestring');
    expect(keyVault.parameters.sessionSecret?.type).toBe('securestring');
  });

  describe('app settings', () => {
    const { resource: site } = theOne(main, 'Microsoft.Web/sites');
    const settings = site.properties!.siteConfig.appSettings as Setting[];
    const byName = new Map(settings.map((s) => [s.name, s.value]));

    it('when the settings are listed, then each name appears once', () => {
      const names = settings.map((s) => s.name);
      expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
      expect(names.length).toBeGreaterThanOrEqual(12);
    });

    it.each([
      ['AzureWebJobsStorage__accountName', /^\[parameters\('storageAccountName'\)\]$/],
      ['AzureWebJobsStorage__credential', /^managedidentity$/],
      ['AzureWebJobsStorage__clientId', /^\[parameters\('identityClientId'\)\]$/],
      ['STORAGE_TABLE_ENDPOINT', /^\[parameters\('storageTableEndpoint'\)\]$/],
      ['AUTH_MODE', /^entra$/],
      ['ENTRA_CLIENT_ID', /^\[parameters\('entraClientId'\)\]$/],
      ['TOKEN_AUDIENCE', /^\[parameters\('tokenAudience'\)\]$/],
      ['PUBLIC_BASE_URL', /^\[format\('https:\/\/\{0\}\.azurewebsites\.net', parameters\('name'\)\)\]$/],
      ['TASK_HUB_NAME', /^[A-Za-z][A-Za-z0-9]{2,44}$/],
      ['LINK_SIGNING_KEY', KEY_VAULT_REFERENCE],
      ['SESSION_SECRET', KEY_VAULT_REFERENCE],
      ['APPLICATIONINSIGHTS_CONNECTION_STRING', /^\[parameters\('appInsightsConnectionString'\)\]$/],
      [
        'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
        /^\[format\('ClientId=\{0\};Authorization=AAD', parameters\('identityClientId'\)\)\]$/,
      ],
      ['ACS_ENDPOINT', /^\[parameters\('communicationServiceEndpoint'\)\]$/],
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
      expect(cfg.storage).toEqual({
        connectionString: undefined,
        tableEndpoint: env.STORAGE_TABLE_ENDPOINT,
        allowInsecureHttp: false,
      });
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
});

describe('secrets in infra/azure and azure.yaml', () => {
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
});

describe('azure.yaml', () => {
  const yaml = parseYamlSubset(readFileSync(path.join(ROOT, 'azure.yaml'), 'utf8'));

  it('when azd reads azure.yaml, then the infrastructure is the Bicep in infra/azure', () => {
    expect(yaml.infra).toMatchObject({ provider: 'bicep', path: 'infra/azure', module: 'main' });
  });

  it('when azd reads azure.yaml, then service api is this folder, TypeScript, hosted on Functions', () => {
    expect(yaml.services).toMatchObject({ api: { project: '.', language: 'ts', host: 'function' } });
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
