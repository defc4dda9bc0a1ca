import { useEffect, useState } from 'preact/hooks';
import type { Scope } from '../../core/credential';
import { countRecent } from '../../core/log-summary';
import type { PromptView } from '../../core/prompt-board';
import type { BackgroundSeam } from '../shared/background-seam';
import { describeError } from '../shared/i18n';
import { lastResultByProxy } from '../../core/last-results';
import { PopupPage, type PopupData } from './popup-page';

/** The popup looks at the recent log only: enough for "last result" and the last 24 hours. */
const RECENT_RECORDS = 5000;

/** The popup wired to the background: what waits, saved proxies, the last day; reloads on every change notice. */
export interface PopupSeam extends BackgroundSeam {
  /** Opens the options page (and closes the popup). */
  readonly openDiagnostics: () => void;
}

export function PopupApp({ seam }: { seam: PopupSeam }) {
  const { send: sendMessage, readRecentRecords, onChange } = seam;
  const [data, setData] = useState<PopupData>({
    prompts: [],
    credentials: [],
    standings: [],
    lastResults: new Map(),
    counts: { challenges: 0, answeredSilently: 0, prompts: 0, failures: 0 },
    defaultScope: 'device',
    now: Date.now(),
    errors: {},
  });

  const failed = (e: unknown) => setData((d) => ({ ...d, loadError: describeError(e) }));

  /**
   * What waits comes first and alone, each part on its own: a log that cannot
   * be written or read (a full disk, IndexedDB refused), or a vault that
   * cannot be loaded, must never hide sign-in. Nothing here waits on the log.
   */
  const loadState = async () => {
    const [prompts, list, standings, settings] = await Promise.allSettled([
      sendMessage('prompts:list', {}),
      sendMessage('credentials:list', {}),
      sendMessage('proxies:standings', {}),
      sendMessage('settings:get', {}),
    ]);
    setData((d) => ({
      ...d,
      ...(prompts.status === 'fulfilled' ? { prompts: prompts.value } : {}),
      ...(list.status === 'fulfilled' ? { credentials: list.value.credentials } : {}),
      ...(standings.status === 'fulfilled' ? { standings: standings.value } : {}),
      ...(settings.status === 'fulfilled' ? { defaultScope: settings.value.settings.defaultScope } : {}),
      now: Date.now(),
    }));
    for (const result of [prompts, list, standings, settings]) if (result.status === 'rejected') failed(result.reason);
  };

  /** Then the log: the newest records are flushed first, and what is on disk is read even when that fails. */
  const loadLog = async () => {
    await sendMessage('log:flush', {}).catch(failed);
    try {
      const records = await readRecentRecords(RECENT_RECORDS);
      const now = Date.now();
      setData((d) => ({ ...d, lastResults: lastResultByProxy(records), counts: countRecent(records, now), now }));
    } catch (e) {
      failed(e);
    }
  };

  const load = async () => {
    await loadState();
    void loadLog();
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
      const message = describeError(e);
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
        onOpenDiagnostics: seam.openDiagnostics,
        onUnlock: (proxy) => void sendMessage('proxies:unlock', { proxy }).then(load, () => undefined),
        send: sendMessage,
      }}
    />
  );
}
