// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { CredentialSummary } from '../../../../src/core/credential';
import type { CredentialInput } from '../../../../src/core/credential-input';
import type { CredentialProblem } from '../../../../src/messaging/protocol';
import { CredentialsSection } from '../../../../src/ui/options/credentials-section';

afterEach(cleanup);

const proxy = { host: 'proxy.example', port: 3128 };

function renderSection(problems: CredentialProblem[]) {
  const deleted: CredentialSummary[] = [];
  const saved: CredentialInput[] = [];
  render(
    <CredentialsSection
      credentials={[]}
      problems={problems}
      lastResults={new Map()}
      now={0}
      onSave={(input) => {
        saved.push(input);
        return Promise.resolve(undefined);
      }}
      onDelete={(c) => deleted.push(c)}
      onMove={() => undefined}
    />,
  );
  return { deleted, saved };
}

describe('unusable saved passwords on the options page', () => {
  it('lists each with what it was for and three different reasons', () => {
    renderSection([
      { key: 'problem_keyLost', scope: 'device', entryId: 'lost', entry: { proxy, username: 'alice' } },
      { key: 'problem_credentialDamaged', scope: 'device', entryId: 'damaged', entry: { proxy, realm: 'Office', username: 'bob' } },
      { key: 'problem_keyStoreRefused', scope: 'device', entryId: 'refused', entry: { proxy, username: 'carol' } },
    ]);
    const items = within(screen.getByTestId('problems')).getAllByRole('listitem');
    expect(items.map((li) => li.getAttribute('data-problem-entry-id'))).toEqual(['lost', 'damaged', 'refused']);
    const texts = items.map((li) => li.textContent ?? '');
    expect(texts[0]).toContain('proxy.example:3128');
    expect(texts[0]).toContain('alice');
    expect(texts[0]).toContain('encryption key this password was saved with is gone');
    expect(texts[1]).toContain('damaged');
    expect(texts[2]).toContain('Always use private browsing mode');
    // A lost key is not described as private browsing.
    expect(texts[0]).not.toContain('private browsing');
    expect(new Set(texts.map((t) => t.replace(/^.*?:\s/, ''))).size).toBe(3);
  });

  it('deletes an unusable entry by its id', () => {
    const { deleted } = renderSection([{ key: 'problem_keyLost', scope: 'device', entryId: 'lost', entry: { proxy, username: 'alice' } }]);
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(deleted.map((c) => [c.id, c.username, c.proxy])).toEqual([['lost', 'alice', proxy]]);
  });

  it('re-enters one: the form is filled in but for the password, which it asks for', async () => {
    const { saved } = renderSection([
      { key: 'problem_credentialDamaged', scope: 'session', entryId: 'dmg', entry: { proxy, realm: 'Office', username: 'bob' } },
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Enter again' }));
    const form = screen.getByTestId('credential-form');
    expect(within(form).getByLabelText<HTMLInputElement>('Proxy host').value).toBe('proxy.example');
    expect(within(form).getByLabelText<HTMLInputElement>('Password').value).toBe('');
    expect(form.textContent).not.toContain('Leave empty to keep the saved password');
    fireEvent.input(within(form).getByLabelText('Password'), { target: { value: 'new-pw' } });
    fireEvent.submit(form);
    await Promise.resolve();
    expect(saved).toEqual([
      { id: 'dmg', host: 'proxy.example', port: 3128, realm: 'Office', username: 'bob', password: 'new-pw', scope: 'session' },
    ]);
  });

  it('offers delete but not re-enter for an entry that no longer says what it was for', () => {
    renderSection([{ key: 'problem_credentialDamaged', scope: 'device', entryId: 'garbled' }]);
    expect(screen.getByRole('button', { name: 'Delete' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Enter again' })).toBeNull();
  });
});
