/** TypeScript source bundled into one plain-JavaScript file (source-bundle.mjs); null when that failed or is off. */
export function bundleSource(source: URL, folder?: string): Promise<string | null>;
/** Why bundling failed, for a test or a log to show. */
export const bundleFailures: string[];
