import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { Scope } from '../../core/credential';
import { countRecent } from '../../core/log-summary';
import type { PromptView } from '../../core/prompt-board';
import { onChange } from '../../messaging/events-channel';
import { sendMessage } from '../../messaging/send-message';
import { readRecentRecords } from '../../storage/event-log';
import { t } from '../shared/i18n';
import { lastResultByProxy } from '../../core/last-results';
import { PopupPage, type PopupData } from './popup-page';
import '../shared/styles.css';
import './popup.css';

/** The popup looks at the recent log only: enough for "last result" and the last 24 hours. */
const RECENT_RECORDS = 5000;

function PopupApp() {
  const [data, setData] = useState<PopupData>({
    prompts: [],
    credentials: [],
    lastResults: new Map(),
    counts: { challenges: 0, answeredSilently: 0, prompts: 0, failures: 0 },
    defaultScope: 'device',
    now: Date.now(),
    errors: {},
  });

  const load = async () => {
    try {
      await sendMessage('log:flush', {});
      const [prompts, list, settings, records] = await Promise.all([
        sendMessage('prompts:list', {}),
        sendMessage('credentials:list', {}),
        sendMessage('settings:get', {}),
        readRecentRecords(RECENT_RECORDS),
      ]);
      const now = Date.now();
      setData((d) => ({
        ...d,
        prompts,
        credentials: list.credentials,
        lastResults: lastResultByProxy(records),
        counts: countRecent(records, now),
        defaultScope: settings.settings.defaultScope,
        now,
      }));
    } catch (e) {
      setData((d) => ({ ...d, loadError: e instanceof Error ? e.message : String(e) }));
    }
  };

  useEffect(() => {
    void load();
    return onChange(() => void load());
  }, []);

  const signIn = async (prompt: PromptView, entry: { username: string; password: string; scope: Scope }) => {
    setData((d) => ({ ...d, busyPromptId: prompt.id, errors: { ...d.errors, [prompt.id]: '' } }));
    try {
      await sendMessage('prompt:submit', { promptId: prompt.id, proxy: prompt.proxy, realm: prompt.realm, ...entry });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      setData((d) => ({ ...d, errors: { ...d.errors, [prompt.id]: message } }));
    } finally {
      setData((d) => ({ ...d, busyPromptId: undefined }));
      await load();
    }
  };

  const cancel = async (prompt: PromptView) => {
    await sendMessage('prompt:cancel', { promptId: prompt.id }).catch(() => undefined);
    await load();
  };

  return (
    <PopupPage
      data={data}
      actions={{
        onSignIn: (p, e) => void signIn(p, e),
        onCancel: (p) => void cancel(p),
        onOpenDiagnostics: () => void browser.runtime.openOptionsPage().then(() => window.close()),
      }}
    />
  );
}

document.title = t('extName');
render(<PopupApp />, document.getElementById('app')!);
