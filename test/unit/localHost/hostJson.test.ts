import { hostSettings, parseHostJson } from '../../../infra/local/hostJson';

describe('host.json, as the local host reads it', () => {
  it("when the project's host.json is read, then the local host takes the durable limits and route prefix the Functions host would", () => {
    // The deployed file: routes from the root, 8 activities and 8 orchestrations at once per instance.
    expect(hostSettings()).toEqual({
      routePrefix: '',
      maxConcurrentActivityFunctions: 8,
      maxConcurrentOrchestratorFunctions: 8,
    });
  });

  it('when host.json names no prefix and no limits, then routes are under "api" and the limits are left to the runtime', () => {
    expect(parseHostJson('{"version": "2.0"}')).toEqual({
      routePrefix: 'api',
      maxConcurrentActivityFunctions: undefined,
      maxConcurrentOrchestratorFunctions: undefined,
    });
  });

  it('when a durable limit is not a positive whole number, then reading host.json fails and names the field', () => {
    expect(() =>
      parseHostJson('{"extensions": {"durableTask": {"maxConcurrentActivityFunctions": 0}}}'),
    ).toThrow(/maxConcurrentActivityFunctions/);
  });
});
