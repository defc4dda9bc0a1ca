/**
 * `performance.now()` as the background's script began to run: index.ts
 * imports this first, so it is evaluated before every other module (one
 * classic script keeps that order). What comes before it is starting the
 * worker or event page and loading and compiling the script (the last two
 * grow with our size); from it to `scriptMs` is evaluating our modules
 * (lifecycle.ts StartTimings).
 */
export const SCRIPT_STARTED_MS = performance.now();
