// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { SETTINGS_VERSION, parseSettings } from '../../../src/settings/settings';
import { SettingsSection } from '../../../src/ui/options/settings-section';

afterEach(cleanup);

const noSave = () => Promise.resolve(undefined);

describe('the settings section and a document from a newer version', () => {
  it('says the settings come from a newer version, shows the defaults, and offers no save', () => {
    render(<SettingsSection state={parseSettings({ version: SETTINGS_VERSION + 2, attemptCap: 9 })} onSave={noSave} />);
    expect(screen.getByTestId('settings-newer').textContent).toContain(`settings version ${SETTINGS_VERSION + 2}`);
    expect(screen.getByLabelText<HTMLInputElement>(/many challenges/i, { selector: 'input' }).value).toBe('3');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: /save/i }).disabled).toBe(true);
  });

  it('shows no such notice for settings of this version', () => {
    render(<SettingsSection state={parseSettings({ version: SETTINGS_VERSION, attemptCap: 9 })} onSave={noSave} />);
    expect(screen.queryByTestId('settings-newer')).toBeNull();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: /save/i }).disabled).toBe(false);
  });
});
