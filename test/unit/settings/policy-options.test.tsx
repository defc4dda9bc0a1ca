// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { applyPolicy, parsePolicy, policyCredentials } from '../../../src/settings/policy';
import { parseSettings } from '../../../src/settings/settings';
import { summarise } from '../../../src/core/credential';
import { CredentialsSection } from '../../../src/ui/options/credentials-section';
import { SettingsSection } from '../../../src/ui/options/settings-section';

afterEach(cleanup);

const noSave = () => Promise.resolve(undefined);
const POLICY = parsePolicy({
  proxies: [
    { host: 'proxy.corp', port: 3128, username: 'fleet', password: 'policy-secret' },
    { host: 'proxy.corp', port: 8080, username: 'walk-in' },
    { host: 'proxy.corp', port: 70_000, username: 'broken' },
  ],
  lockedSettings: { attemptCap: 2, onCancel: 'browser' },
  recommendedSettings: { logLimit: 500 },
});

describe('the options page with an administrator policy', () => {
  it('disables a locked setting with a note, marks a recommended one, and leaves the others alone', () => {
    render(<SettingsSection state={applyPolicy(parseSettings(undefined), POLICY)} onSave={noSave} />);
    const cap = screen.getByLabelText<HTMLInputElement>(/many challenges/i, { selector: 'input' });
    expect(cap.value).toBe('2');
    expect(cap.disabled).toBe(true);
    expect(screen.getByTestId('settings-locked-attemptCap').textContent).toMatch(/locked by your administrator/i);
    expect(document.querySelector<HTMLSelectElement>('#setting-onCancel')?.disabled).toBe(true);
    const limit = document.querySelector<HTMLInputElement>('#setting-logLimit')!;
    expect(limit.disabled).toBe(false);
    expect(limit.value).toBe('500');
    expect(screen.getByTestId('settings-recommended-logLimit').textContent).toMatch(/you may change it/i);
    expect(document.querySelector<HTMLInputElement>('#setting-promptTimeoutSec')?.disabled).toBe(false);
    expect(screen.queryByTestId('settings-locked-promptTimeoutSec')).toBeNull();
  });

  it('lists the policy problems by field, and the policy accounts without a password', () => {
    render(<SettingsSection state={applyPolicy(parseSettings(undefined), POLICY)} onSave={noSave} />);
    expect(screen.getByTestId('policy-problems').textContent).toContain('proxies[2].port: a port is a whole number from 1 to 65535.');
    const accounts = screen.getByTestId('policy-accounts').textContent;
    expect(accounts).toContain('fleet');
    expect(accounts).toMatch(/password set by your administrator/);
    expect(accounts).toMatch(/walk-in.*no password/);
    expect(document.body.innerHTML).not.toContain('policy-secret');
  });

  it('shows no policy part without a policy', () => {
    render(<SettingsSection state={parseSettings(undefined)} onSave={noSave} />);
    expect(screen.queryByTestId('policy-problems')).toBeNull();
    expect(screen.queryByTestId('policy-accounts')).toBeNull();
    expect(document.querySelector<HTMLInputElement>('#setting-attemptCap')?.disabled).toBe(false);
  });

  it('shows a policy credential as from policy, with no edit, move or delete', () => {
    const [fleet] = policyCredentials(POLICY).map(summarise);
    render(
      <CredentialsSection
        credentials={[fleet!]}
        problems={[]}
        lastResults={new Map()}
        now={0}
        onSave={noSave}
        onDelete={() => {}}
        onMove={() => {}}
      />,
    );
    const row = document.querySelector<HTMLElement>(`[data-credential-id="${fleet!.id}"]`)!;
    expect(row.textContent).toContain('From policy');
    expect(within(row).queryAllByRole('button')).toEqual([]);
    expect(within(row).getByTestId('credential-from-policy').textContent).toMatch(/set by your administrator/i);
  });
});
