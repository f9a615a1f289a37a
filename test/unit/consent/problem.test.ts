import { InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { problemResponse, toProblem } from '../../../shared/adapters/http/problem';
import type { DomainErrorKind } from '../../../shared/domain/domainError';
import { DomainError } from '../../../shared/domain/domainError';

describe('problem details', () => {
  it.each<[DomainErrorKind, number, string]>([
    ['invalid', 400, 'Bad Request'],
    ['unauthenticated', 401, 'Unauthorized'],
    ['forbidden', 403, 'Forbidden'],
    ['notFound', 404, 'Not Found'],
    ['conflict', 409, 'Conflict'],
    ['gone', 410, 'Gone'],
    ['tooLarge', 413, 'Content Too Large'],
    ['unsupportedMediaType', 415, 'Unsupported Media Type'],
  ])(
    'when a DomainError of kind %s is mapped, then the status is %i and its code and sentence are kept',
    (kind, status, title) => {
      const problem = toProblem(new DomainError(kind, 'SomeStableCode', 'Do this to fix it.'));

      expect(problem).toEqual({
        type: 'about:blank',
        title,
        status,
        code: 'SomeStableCode',
        detail: 'Do this to fix it.',
      });
    },
  );

  it("when a DomainError carries details, then they become the problem's extension members", () => {
    const problem = toProblem(
      new DomainError('invalid', 'InvalidDuration', 'Bad duration.', { field: 'delegatedAdmin.duration' }),
    );

    expect(problem).toMatchObject({ status: 400, code: 'InvalidDuration', field: 'delegatedAdmin.duration' });
  });

  it('when a ZodError is mapped, then it is a 400 ValidationFailed naming the field', () => {
    const schema = z.object({ delegatedAdmin: z.object({ duration: z.string() }) });
    const result = schema.safeParse({ delegatedAdmin: { duration: 7 } });
    if (result.success) throw new Error('the body should not parse');

    const problem = toProblem(result.error);

    expect(problem).toMatchObject({
      status: 400,
      code: 'ValidationFailed',
      field: 'delegatedAdmin.duration',
    });
    expect(problem.detail).toMatch(/^delegatedAdmin\.duration: /);
    expect(problem.errors).toEqual([
      { field: 'delegatedAdmin.duration', message: expect.any(String) as string },
    ]);
  });

  it('when the body has an unknown key, then the problem names that key, not the enclosing object', () => {
    const schema = z.strictObject({ delegatedAdmin: z.strictObject({ roles: z.array(z.string()) }) });
    const result = schema.safeParse({ delegatedAdmin: { roles: [], rolez: ['x'] } });
    if (result.success) throw new Error('the body should not parse');

    const problem = toProblem(result.error);

    expect(problem).toMatchObject({ status: 400, code: 'ValidationFailed', field: 'delegatedAdmin.rolez' });
  });

  it('when the top-level body is wrong as a whole, then the field reads (body)', () => {
    const result = z.object({ kind: z.string() }).safeParse('not an object');
    if (result.success) throw new Error('the body should not parse');

    expect(toProblem(result.error).field).toBe('(body)');
  });

  it('when an unexpected error is mapped, then it is a 500 that leaks no internal detail, and the error is logged', () => {
    const secret = new Error('connect ECONNREFUSED 10.0.0.5:10002 AccountKey=abc123');
    secret.stack = 'Error: at /srv/app/shared/adapters/tables/secret.ts:12';
    const context = new InvocationContext({ invocationId: 'inv-42' });
    const logged = jest.spyOn(context, 'error').mockImplementation(() => undefined);

    const problem = toProblem(secret, context);

    expect(problem).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      code: 'InternalError',
      detail: expect.stringContaining('inv-42') as string,
    });
    const body = JSON.stringify(problem);
    expect(body).not.toMatch(/ECONNREFUSED|AccountKey|abc123|secret\.ts|10\.0\.0\.5/);
    expect(logged).toHaveBeenCalledWith('Unhandled error', secret);
  });

  it('when something that is not an Error is thrown, then it is still a 500', () => {
    expect(toProblem('a string')).toMatchObject({ status: 500, code: 'InternalError' });
  });

  it('when a 401 is answered, then it is problem+json with a Bearer challenge', () => {
    const response = problemResponse(new DomainError('unauthenticated', 'InvalidToken', 'Bad token.'));

    expect(response.status).toBe(401);
    expect(response.headers).toEqual({
      'content-type': 'application/problem+json',
      'www-authenticate': 'Bearer',
    });
    expect(JSON.parse(response.body as string)).toMatchObject({ code: 'InvalidToken' });
  });

  it('when a 403 is answered, then there is no Bearer challenge', () => {
    const response = problemResponse(new DomainError('forbidden', 'GlobalAdministratorRequired', 'No.'));

    expect(response.status).toBe(403);
    expect(response.headers).toEqual({ 'content-type': 'application/problem+json' });
  });
});
