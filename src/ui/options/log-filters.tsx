import type { LogFilter } from '../../core/log-filter';
import { OUTCOMES, isOutcome } from '../../core/outcome';
import { t } from '../shared/i18n';
import { OUTCOME_KEYS } from '../shared/message-keys';

function toLocalInput(time: number | undefined): string {
  if (time === undefined) return '';
  const d = new Date(time);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInput(value: string): number | undefined {
  if (!value) return undefined;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? undefined : time;
}

/** The proxy select's value for records whose proxy the browser did not report ('' means "All"). */
const UNKNOWN_PROXY = '(unknown)';

/** Applies a change to the latest filter (an updater, so events in one task compose), dropping emptied fields. */
function patchFilter(patch: Partial<Record<keyof LogFilter, unknown>>): (current: LogFilter) => LogFilter {
  return (current) => {
    const next: Record<string, unknown> = { ...current, ...patch };
    for (const [k, v] of Object.entries(next)) if (v === undefined || (v === '' && k !== 'proxy')) delete next[k];
    return next;
  };
}

function readProxyChoice(value: string): string | undefined {
  if (value === '') return undefined;
  return value === UNKNOWN_PROXY ? '' : value;
}

export function LogFilters({
  filter,
  proxies,
  onChange,
}: {
  filter: LogFilter;
  proxies: readonly string[];
  onChange: (update: (current: LogFilter) => LogFilter) => void;
}) {
  const set = (patch: Partial<Record<keyof LogFilter, unknown>>) => onChange(patchFilter(patch));
  return (
    <fieldset class="filters" data-testid="filters">
      <legend class="sr-only">{t('diagFilters')}</legend>
      <label>
        {t('diagFilterProxy')}
        <select
          name="proxy"
          value={filter.proxy === undefined ? '' : filter.proxy || UNKNOWN_PROXY}
          onChange={(e) => set({ proxy: readProxyChoice(e.currentTarget.value) })}
        >
          <option value="">{t('diagFilterAll')}</option>
          {proxies.map((p) => (
            <option key={p || UNKNOWN_PROXY} value={p || UNKNOWN_PROXY}>
              {p || t('diagProxyUnknown')}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('diagFilterOutcome')}
        <select
          name="outcome"
          value={filter.outcome ?? ''}
          onChange={(e) => set({ outcome: isOutcome(e.currentTarget.value) ? e.currentTarget.value : undefined })}
        >
          <option value="">{t('diagFilterAll')}</option>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {t(OUTCOME_KEYS[o])}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('diagFilterFrom')}
        <input
          name="from"
          type="datetime-local"
          value={toLocalInput(filter.from)}
          onChange={(e) => set({ from: fromLocalInput(e.currentTarget.value) })}
        />
      </label>
      <label>
        {t('diagFilterTo')}
        <input
          name="to"
          type="datetime-local"
          value={toLocalInput(filter.to)}
          onChange={(e) => set({ to: fromLocalInput(e.currentTarget.value) })}
        />
      </label>
      <label>
        {t('diagFilterSite')}
        <input name="site" type="text" value={filter.site ?? ''} onInput={(e) => set({ site: e.currentTarget.value })} />
      </label>
      <label>
        {t('diagFilterText')}
        <input name="text" type="search" value={filter.text ?? ''} onInput={(e) => set({ text: e.currentTarget.value })} />
      </label>
      <button type="button" onClick={() => onChange(() => ({}))}>
        {t('diagFilterClear')}
      </button>
    </fieldset>
  );
}
