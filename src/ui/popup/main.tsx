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
render(<PopupApp seam={seam} />, document.getElementById('app')!);
