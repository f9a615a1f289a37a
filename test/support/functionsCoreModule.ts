import { coreApi } from '../../infra/local/functionsCore/installFunctionsCore';

/**
 * Jest resolves `require('@azure/functions-core')` with its own module system, where the local
 * host's Module._load hook does not apply; jest.config.js maps the name here instead, so tests get
 * the very stand-in object the local host installs.
 */
export = coreApi;
