import { fireEvent, screen } from '@testing-library/preact';
import type { PromptView } from '../../../src/core/prompt-board';

/** A waiting prompt as the pages get it, with sensible defaults; tests override what they are about. */
export function makePromptView(overrides: Partial<PromptView> = {}): PromptView {
  return {
    id: 'p1',
    proxy: { host: 'proxy.example', port: 3128 },
    realm: 'Office',
    scheme: 'basic',
    waitingCount: 2,
    sites: ['a.test'],
    rejected: false,
    openedAt: 0,
    ...overrides,
  };
}

/** Types a new credential into the open credential form and submits it, as the user does on the options page. */
export function fillCredentialForm(fields: { host: string; port: string; username: string; password: string }): void {
  fireEvent.input(screen.getByLabelText('Proxy host'), { target: { value: fields.host } });
  fireEvent.input(screen.getByLabelText('Port'), { target: { value: fields.port } });
  fireEvent.input(screen.getByLabelText('User name'), { target: { value: fields.username } });
  fireEvent.input(screen.getByLabelText('Password'), { target: { value: fields.password } });
  fireEvent.submit(screen.getByTestId('credential-form'));
}
