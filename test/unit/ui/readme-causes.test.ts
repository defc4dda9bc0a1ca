import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import english from '../../../public/_locales/en/messages.json';

/** The README's "Troubleshooting a 407" says what the diagnostics page says, word for word. */
describe('README troubleshooting', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const messages = english as Record<string, { message: string }>;
  const causes = Object.keys(messages).filter((k) => k.startsWith('cause_'));

  it('lists every cause the diagnostics page gives, with its fix', () => {
    expect(causes.length).toBeGreaterThan(10);
    const section = readme.slice(readme.indexOf('## Troubleshooting a 407'), readme.indexOf('## Privacy'));
    for (const cause of causes) {
      const fix = `fix_${cause.slice('cause_'.length)}`;
      const row = section.split('\n').find((line) => line.includes(messages[cause]!.message));
      expect(row, cause).toBeDefined();
      expect(row, cause).toContain(messages[fix]!.message);
    }
  });
});
