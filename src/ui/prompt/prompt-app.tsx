import { useEffect, useState } from 'preact/hooks';
import type { Scope } from '../../core/credential';
import type { PromptView } from '../../core/prompt-board';
import type { BackgroundSeam } from '../shared/background-seam';
import { PROMPT_PING_MS } from '../shared/browser-differences';
import { sameEndpoint } from '../../core/proxy-endpoint';
import { messageArgs } from '../../core/user-error';
import { describeError, t } from '../shared/i18n';
import { PassphraseUnlock } from './passphrase-unlock';
import { PromptForm, type PromptFormData } from './prompt-form';

function readAddress() {
  const params = new URLSearchParams(location.search);
  return {
    promptId: params.get('id') ?? '',
    proxy: { host: params.get('host') ?? '', port: Number(params.get('port') ?? 0) },
    realm: params.get('realm') ?? '',
    scheme: params.get('scheme') ?? '',
  };
}

/** The prompt window wired to the background: the prompt named in the page's address, its submit and cancel. */
export function PromptApp({ seam }: { seam: Pick<BackgroundSeam, 'send' | 'onChange'> }) {
  const { send: sendMessage, onChange } = seam;
  const address = readAddress();
  const [view, setView] = useState<PromptView | null | 'loading'>('loading');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [defaultScope, setDefaultScope] = useState<Scope>();
  const [unusable, setUnusable] = useState<string>();
  // A saved password for this proxy waits behind the passphrase: ask for it first ("just this once" stays below).
  const [locked, setLocked] = useState(false);
  const [saveFailed, setSaveFailed] = useState(false);

  useEffect(() => {
    const refresh = () =>
      sendMessage('prompt:get', { promptId: address.promptId }).then(setView, (e: unknown) => setError(describeError(e)));
    void refresh();
    sendMessage('settings:get', {}).then(
      (state) => setDefaultScope(state.settings.defaultScope),
      () => setDefaultScope('device'),
    );
    // A password saved for this proxy that cannot be used: say why, so "just this once" makes sense.
    sendMessage('credentials:list', {}).then(
      (list) => {
        const problem = list.problems.find((p) => p.entry && sameEndpoint(p.entry.proxy, address.proxy));
        if (problem) setUnusable(t(...messageArgs(problem)));
        setLocked(list.problems.some((p) => p.key === 'problem_keyLocked' && p.entry && sameEndpoint(p.entry.proxy, address.proxy)));
      },
      () => undefined,
    );
    const stop = onChange((what) => what === 'prompts' && void refresh());
    const ping = setInterval(() => void sendMessage('prompt:ping', { promptId: address.promptId }).catch(() => undefined), PROMPT_PING_MS);
    return () => {
      stop();
      clearInterval(ping);
    };
  }, []);

  const submit = async (entry: { username: string; password: string; scope: Scope }) => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await sendMessage('prompt:submit', {
        promptId: address.promptId,
        proxy: address.proxy,
        realm: address.realm,
        ...entry,
      });
      if (result.promptGone) {
        setNotice(result.saved ? t('promptGone') : t('promptGoneOnce'));
        setView(null);
      } else {
        window.close();
      }
    } catch (e) {
      setError(describeError(e));
      // Nothing was saved and nothing answered: the same typed password can still go just this once.
      setSaveFailed(entry.scope !== 'once');
    } finally {
      setBusy(false);
    }
  };

  const cancel = async () => {
    await sendMessage('prompt:cancel', { promptId: address.promptId }).catch(() => undefined);
    window.close();
  };

  const data: PromptFormData = {
    ...address,
    idPrefix: 'prompt',
    view,
    defaultScope: defaultScope ?? 'device',
    busy,
    ...(error === undefined ? {} : { error }),
    ...(notice === undefined ? {} : { notice }),
    ...(unusable === undefined ? {} : { unusable }),
    saveFailed,
  };
  // The form reads its default scope once, so it waits for the settings.
  if (defaultScope === undefined) return null;
  // One dialog named by its proxy (the form's heading); its description carries a refusal, so it is read on opening too.
  const shown = view === 'loading' || view === null ? undefined : view;
  const describedBy = ['prompt-context', shown?.rejected && 'prompt-rejected', (shown?.failedLogins ?? 0) > 0 && 'prompt-failed-logins'];
  return (
    <div role="dialog" aria-labelledby="prompt-heading" aria-describedby={describedBy.filter(Boolean).join(' ')}>
      {locked && (
        <PassphraseUnlock
          send={sendMessage}
          onUnlocked={() => {
            // The background answers this prompt with the unlocked password and closes the window.
            setLocked(false);
            setUnusable(undefined);
          }}
        />
      )}
      <PromptForm data={data} actions={{ onSubmit: (e) => void submit(e), onCancel: () => void cancel() }} />
    </div>
  );
}
