import { render } from 'preact';
import browser from 'webextension-polyfill';
import { onChange } from '../../messaging/events-channel';
import { sendMessage } from '../../messaging/send-message';
import { readRecentRecords } from '../../storage/event-log';
import { t } from '../shared/i18n';
import { PopupApp, type PopupSeam } from './popup-app';
import '../shared/styles.css';
import './popup.css';

const seam: PopupSeam = {
  send: sendMessage,
  readRecentRecords,
  onChange,
  openDiagnostics: () => void browser.runtime.openOptionsPage().then(() => window.close()),
};

document.title = t('extName');
// The language of the words shown (a fallback to English included), so screen readers speak them in the right voice.
document.documentElement.lang = t('pageLanguage');
render(<PopupApp seam={seam} />, document.getElementById('app')!);
