import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

// test/e2e/support → repo root, so paths work whatever the cwd of vitest is.
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export const CHROME_DIST = resolve(REPO_ROOT, 'dist/chrome');
export const FIREFOX_DIST = resolve(REPO_ROOT, 'dist/firefox');
export const PROMPT_PATH = 'src/ui/prompt/index.html';
export const OPTIONS_PATH = 'src/ui/options/index.html';
/** The toolbar popup; tests open it as a normal tab. */
export const POPUP_PATH = 'src/ui/popup/index.html';
export const GECKO_ID = 'proxy-keyring@proxy-keyring.dev';
/** Pinned moz-extension:// host for GECKO_ID (extensions.webextensions.uuids). */
export const FIREFOX_EXTENSION_UUID = '7b5f1a6e-3c2d-4e8f-9a1b-2c3d4e5f6a7b';
