import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HTTP_ROUTES } from '../../../functions/http/httpRoutes';
import { openApiDocument } from '../../../shared/contract/openApiDocument';

/**
 * The OpenAPI document, both route families in it, passes Redocly's linter with its recommended rules
 * (@redocly/cli, run as a user would: `redocly lint --extends=recommended`).
 */
jest.setTimeout(60_000);

interface Operation {
  operationId?: string;
  summary?: string;
  security?: unknown[];
  tags?: string[];
}

const document = openApiDocument(HTTP_ROUTES) as {
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
};

describe('the OpenAPI document', () => {
  it('when Redocly lints it with the recommended rules, then it reports no problem', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'openapi-'));
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const cli = path.join(__dirname, '../../../node_modules/@redocly/cli/bin/cli.js');
    let output = '';
    let status = 0;
    try {
      output = execFileSync(
        process.execPath,
        [cli, 'lint', file, '--extends=recommended', '--format=stylish'],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        },
      );
    } catch (error) {
      const failed = error as { status: number; stdout: string; stderr: string };
      status = failed.status;
      output = `${failed.stdout}\n${failed.stderr}`;
    }
    expect({ status, output: status === 0 ? '' : output }).toEqual({ status: 0, output: '' });
  });

  it('when both families are described, then each operation has an operationId, a summary, and one of the two tags', () => {
    expect(document.tags.map((t) => t.name)).toEqual(['Partner consent API', 'Partner Center–compatible']);
    const operations = Object.entries(document.paths).flatMap(([p, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ at: `${method} ${p}`, ...op })),
    );
    const pc = operations.filter((o) => o.at.includes(' /v1/'));
    expect(pc.map((o) => o.at).sort()).toEqual(
      [
        'delete /v1/customers/{tenantId}/deviceBatches/{batchName}/devices/{deviceId}',
        'get /v1/customers/relationshiprequests',
        'get /v1/customers/{tenantId}/batchJobStatus/{trackingId}',
        'get /v1/customers/{tenantId}/deviceBatches',
        'get /v1/customers/{tenantId}/deviceBatches/{batchName}/devices',
        'post /v1/customers/{tenantId}/deviceBatches',
        'post /v1/customers/{tenantId}/deviceBatches/{batchName}/devices',
      ].sort(),
    );
    for (const o of pc)
      expect(o).toMatchObject({ tags: ['Partner Center–compatible'], security: [{ bearer: [] }] });
    const missing = operations.filter(
      (o) =>
        !o.operationId ||
        !o.summary ||
        o.tags?.length !== 1 ||
        !document.tags.some((t) => t.name === o.tags![0]),
    );
    expect(missing.map((o) => o.at)).toEqual([]);
  });
});
