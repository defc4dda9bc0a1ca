import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { CredentialSummary } from '../../core/credential';
import { formatEndpoint } from '../../core/proxy-endpoint';
import { onChange } from '../../messaging/events-channel';
import { sendMessage } from '../../messaging/send-message';
import { t } from '../shared/i18n';
import { OptionsPage, type OptionsData } from './options-page';
import '../shared/styles.css';
import './options.css';

/** How many log records the first options page shows. */
const LOG_ROWS = 500;

function OptionsApp() {
  const [data, setData] = useState<OptionsData>({ credentials: [], problems: [], records: [] });

  const load = async () => {
    try {
      const [list, records] = await Promise.all([sendMessage('credentials:list', {}), sendMessage('log:list', { limit: LOG_ROWS })]);
      setData({ credentials: list.credentials, problems: list.problems, records });
    } catch (e) {
      setData((d) => ({ ...d, error: e instanceof Error ? e.message : String(e) }));
    }
  };

  useEffect(() => {
    void load();
    // Live: the background announces every log batch and credential change.
    return onChange(() => void load());
  }, []);

  const onDeleteCredential = async (credential: CredentialSummary) => {
    if (!confirm(t('optionsDeleteConfirm', credential.username, formatEndpoint(credential.proxy)))) return;
    await sendMessage('credentials:delete', { id: credential.id });
    await load();
  };

  return <OptionsPage data={data} actions={{ onDeleteCredential: (c) => void onDeleteCredential(c) }} />;
}

document.title = t('optionsTitle');
render(<OptionsApp />, document.getElementById('app')!);
