/**
 * `performance.now()` as the background's script began to run: index.ts
 * imports this first, so it is evaluated before every other module (one
 * classic script keeps that order). With `scriptMs` beside it, a start's
 * figures tell the browser's share (until the script runs) from ours
 * (evaluating it): lifecycle.ts StartTimings.
 */
export const SCRIPT_STARTED_MS = performance.now();
