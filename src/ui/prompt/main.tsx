import { render } from 'preact';
import { onChange } from '../../messaging/events-channel';
import { sendMessage } from '../../messaging/send-message';
import { t } from '../shared/i18n';
import { PromptApp } from './prompt-app';
import '../shared/styles.css';
import './prompt.css';

document.title = t('promptTitle');
render(<PromptApp seam={{ send: sendMessage, onChange }} />, document.getElementById('app')!);
