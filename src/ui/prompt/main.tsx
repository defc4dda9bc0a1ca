import { render } from 'preact';
import { onChange } from '../../messaging/events-channel';
import { sendMessage } from '../../messaging/send-message';
import { t } from '../shared/i18n';
import { PromptApp } from './prompt-app';
import '../shared/styles.css';
import './prompt.css';

document.title = t('promptTitle');
// The language of the words shown (a fallback to English included), so screen readers speak them in the right voice.
document.documentElement.lang = t('pageLanguage');
render(<PromptApp seam={{ send: sendMessage, onChange }} />, document.getElementById('app')!);
