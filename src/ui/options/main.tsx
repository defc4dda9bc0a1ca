import { render } from 'preact';
import browser from 'webextension-polyfill';
import { onChange } from '../../messaging/events-channel';
import { sendMessage } from '../../messaging/send-message';
import { readRecentRecords } from '../../storage/event-log';
import { describeBrowser } from '../shared/browser-differences';
import { t } from '../shared/i18n';
import { FIRST_WINDOW, OptionsApp, type OptionsSeam } from './options-app';
import '../shared/styles.css';
import './options.css';

// Read before anything else (the first render, any message), so the log's newest rows can be in the page's first frames.
const newest = readRecentRecords(FIRST_WINDOW).catch(() => undefined);

const seam: OptionsSeam = {
  send: sendMessage,
  readRecentRecords,
  onChange,
  hasProxyPermission: () => browser.permissions.contains({ permissions: ['proxy'] }),
  requestProxyPermission: () => browser.permissions.request({ permissions: ['proxy'] }),
  readProxySettings: () => browser.proxy.settings.get({}),
  describeBrowser,
  extensionVersion: browser.runtime.getManifest().version,
};

document.title = t('optionsTitle');
// The language of the words shown (a fallback to English included), so screen readers speak them in the right voice.
document.documentElement.lang = t('pageLanguage');
/**
 * The first render waits a little for the newest records, so that the page's
 * first frame shows them. Rendered first, the page kept the main thread busy
 * while IndexedDB answered and the rows came in a second render: Chromium,
 * 100,000 records, the page painted at 110–130 ms, its rows at ~250 ms
 * (`npm run bench`, docs/benchmarks.md, item 6). A read slower than this
 * renders the page first and the rows when they come. The page's own reads
 * and messages (settings, saved passwords, the rest of the log) start after
 * that first render, so they wait as long as it does: ~10–50 ms here.
 */
const FIRST_FRAME_WAIT_MS = 150;
void Promise.race([newest, new Promise<undefined>((resolve) => setTimeout(resolve, FIRST_FRAME_WAIT_MS))]).then((first) =>
  render(<OptionsApp seam={seam} newest={newest} {...(first ? { firstRecords: first } : {})} />, document.getElementById('app')!),
);
