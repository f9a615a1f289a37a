/**
 * The functions of functions/index as the host sees them (name and bindings), written by the build
 * (infra/build/writeFunctionsManifest.ts) and read by functions/hostEntry.ts.
 */
export const MANIFEST_FILE = 'functions.manifest.json';

export interface ManifestBinding {
  readonly type: string;
  readonly direction: 'in' | 'out';
  readonly name: string;
  readonly [setting: string]: unknown;
}

export type FunctionManifest = {
  readonly name: string;
  readonly bindings: Readonly<Record<string, ManifestBinding>>;
}[];
