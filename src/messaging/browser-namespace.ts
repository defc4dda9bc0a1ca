/**
 * The browser's own extension namespace, for the pages' few calls that need
 * no polyfill: Firefox's `browser`, else Chrome's `chrome` (Chromium 156 has
 * a `browser` too; either way it is the browser's own object). In Manifest V3
 * both return promises, so `runtime.sendMessage` needs no wrapper, and
 * `i18n.getMessage` is synchronous in both. The prompt window loads no
 * polyfill because of this (docs/benchmarks.md, item 8). The one place the
 * pages read these globals.
 */
export interface BrowserNamespace {
  readonly runtime?: {
    sendMessage?(message: unknown): Promise<unknown>;
    /** Firefox only. */
    getBrowserInfo?(): Promise<{ name: string; version: string }>;
  };
  readonly i18n?: { getMessage?(key: string, substitutions?: string[]): string };
}

export function browserNamespace(): BrowserNamespace | undefined {
  const scope = globalThis as { browser?: BrowserNamespace; chrome?: BrowserNamespace };
  return scope.browser ?? scope.chrome;
}
