// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findStrictProxies } from '../../../src/core/diagnose';
import { parseSettings } from '../../../src/settings/settings';
import { OptionsPage } from '../../../src/ui/options/options-page';
import { PopupPage } from '../../../src/ui/popup/popup-page';
import { PromptForm } from '../../../src/ui/prompt/prompt-form';
import { makeRecord } from '../record-factory';
import { makeCredentialSummary } from '../credential-factory';
import { makePromptView } from './page-fixtures';

// Every word a user sees comes from t(): here t() returns the key in markers, so any other word is a literal.
vi.mock('../../../src/ui/shared/i18n', () => ({
  t: (key: string, ...substitutions: string[]) => `⟦${key}${substitutions.map((s) => `|${s}`).join('')}⟧`,
  describeError: () => '⟦error⟧',
}));

/** Words that come from the data (proxy names, user names, URLs, browser errors), not from the page. */
const DATA = [
  'proxy.example:3128',
  'gw.example:8080',
  'proxy.example',
  'alice',
  'Office',
  'basic',
  'http://site.test/page',
  'GET',
  'main_frame',
  'net::ERR_PROXY_CONNECTION_FAILED',
  'a.test',
  'http',
  'report text',
];

function findLiteralText(root: Element): string[] {
  const found: string[] = [];
  const strip = (text: string) => {
    let rest = text.replace(/⟦[^⟧]*⟧/g, '');
    for (const d of DATA) rest = rest.split(d).join('');
    // Dates and times are the browser's locale formatting, not our words.
    rest = rest.replace(/\b(AM|PM)\b/g, '').replace(/\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/g, '');
    return /\p{L}/u.test(rest) ? text.trim() : undefined;
  };
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const literal = strip(node.textContent ?? '');
    if (literal) found.push(literal);
  }
  for (const el of root.querySelectorAll('*')) {
    for (const attr of ['title', 'aria-label', 'placeholder', 'alt']) {
      const value = el.getAttribute(attr);
      const literal = value ? strip(value) : undefined;
      if (literal) found.push(`${attr}="${literal}"`);
    }
  }
  return found;
}

const credential = makeCredentialSummary({ id: 'c1', realm: 'Office', rejected: true });
const prompt = makePromptView({ rejected: true, rejectedUsername: 'alice' });
const T = 1_800_000_000_000;
const records = [
  makeRecord({
    id: 3,
    time: T + 3,
    proxy: 'gw.example:8080',
    outcome: 'proxy-error',
    final: { error: 'net::ERR_PROXY_CONNECTION_FAILED' },
  }),
  makeRecord({ id: 2, time: T + 2, outcome: 'rejected', username: 'alice', answerMs: 12, final: { statusCode: 407 } }),
  makeRecord({ id: 1, time: T + 1, outcome: 'answered-saved', final: { statusCode: 200 } }),
];
const noop = () => undefined;

afterEach(cleanup);

describe('no literal words in the pages', () => {
  it('options page, with every section filled and a record opened', () => {
    const settings = parseSettings({ attemptCap: 'bad' });
    const { container } = render(
      <OptionsPage
        data={{
          credentials: [credential, { ...credential, id: 'c2', realm: undefined, scope: 'session', rejected: false }],
          problems: [{ key: 'problem_credentialDamaged' }],
          standings: [{ proxy: 'proxy.example:3128', failedLogins: 2, lockedAt: T, held: false }],
          records,
          lastResults: new Map([['proxy.example:3128', { outcome: 'rejected', time: T }]]),
          context: { savedProxies: [credential.proxy], strictProxies: findStrictProxies(records) },
          settings,
          inspector: {
            kind: 'read',
            config: {
              mode: 'pac',
              servers: [{ scheme: 'http', host: 'proxy.example', port: 3128 }],
              pacUrl: 'http://a.test',
              controlledBy: 'policy',
            },
          },
          report: { text: 'report text', copied: false },
          now: T + 60_000,
          loadingMore: true,
          error: 'x',
        }}
        actions={{
          onSaveCredential: () => Promise.resolve(undefined),
          onDeleteCredential: noop,
          onMoveCredential: noop,
          onExport: noop,
          onClearLog: noop,
          onCopyReport: noop,
          onInspect: noop,
          onUnlock: noop,
          onSaveSettings: () => Promise.resolve(undefined),
        }}
      />,
    );
    fireEvent.click(screen.getAllByTestId('log-row')[1]!);
    fireEvent.click(screen.getByTestId('add-credential'));
    expect(findLiteralText(container)).toEqual([]);
  });

  it('popup, with a waiting prompt, saved proxies and an error', () => {
    const { container } = render(
      <PopupPage
        data={{
          prompts: [prompt],
          credentials: [credential, { ...credential, id: 'c2', rejected: false }],
          standings: [{ proxy: 'proxy.example:3128', failedLogins: 2, lockedAt: T, held: false }],
          lastResults: new Map([['proxy.example:3128', { outcome: 'answered-saved', time: T }]]),
          counts: { challenges: 3, answeredSilently: 1, prompts: 1, failures: 1 },
          defaultScope: 'device',
          now: T + 1000,
          errors: { p1: '⟦error⟧' },
          loadError: '⟦error⟧',
        }}
        actions={{ onSignIn: noop, onCancel: noop, onOpenDiagnostics: noop, onUnlock: noop }}
      />,
    );
    expect(findLiteralText(container)).toEqual([]);
  });

  it('prompt window, loading, refused, ended and after a failed submit', () => {
    const base = { proxy: prompt.proxy, realm: 'Office', scheme: 'basic', defaultScope: 'device' as const, busy: false };
    for (const data of [
      { ...base, view: 'loading' as const },
      { ...base, view: prompt, error: '⟦error⟧' },
      { ...base, view: { ...prompt, waitingCount: 1 } },
      { ...base, view: { ...prompt, waitingCount: 0, rejected: false } },
      { ...base, view: null },
      { ...base, view: null, notice: '⟦promptGone⟧' },
    ]) {
      const { container } = render(<PromptForm data={data} actions={{ onSubmit: noop, onCancel: noop }} />);
      fireEvent.submit(container.querySelector('form')!);
      expect(findLiteralText(container)).toEqual([]);
      cleanup();
    }
  });
});
