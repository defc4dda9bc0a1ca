import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSER_PATHS } from '../../fakes/fake-browser';
import { readLog, saveCredential, startFreshBackground, eventually } from './background-world';

/**
 * Every recorded onAuthRequired payload in test/fixtures, played through the
 * whole background on both answer paths. A file holds one payload, or an
 * array of payloads in the order the browser sent them (a repeat challenge).
 * Expectations come from the contract, read off each payload, so a newly
 * recorded fixture is covered without touching this file.
 */
const FIXTURES = join(import.meta.dirname, '../../fixtures');

interface Payload {
  readonly requestId: string | number;
  readonly isProxy?: boolean;
  readonly scheme?: string;
  readonly challenger: { readonly host: string; readonly port: number };
}

function readSequence(file: string): Payload[] {
  const json: unknown = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
  if (Array.isArray(json)) return json as Payload[];
  if (typeof json === 'object' && json !== null && 'requestId' in json) return [json as Payload];
  const lists = Object.values(json as object).filter(Array.isArray);
  if (lists.length === 1) return lists[0] as Payload[];
  throw new Error(`${file}: neither one payload nor a list of payloads`);
}

const files = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .sort();
const answerable = (p: Payload) => p.isProxy === true && ['basic', 'digest'].includes((p.scheme ?? '').toLowerCase());

it('finds recorded payloads to play', () => {
  expect(files.length).toBeGreaterThanOrEqual(2);
});

describe.each(BROWSER_PATHS)('$name', (path) => {
  describe.each(files)('%s', (file) => {
    const sequence = readSequence(file);
    const proxy = sequence.find((p) => p.isProxy === true)?.challenger;

    it('sends the credential saved for the challenging proxy only; a site 401 is left alone; a repeat challenge marks it refused and prompts', async () => {
      const world = startFreshBackground(path);
      if (proxy) {
        await saveCredential(world, { host: proxy.host, port: proxy.port, username: 'alice', password: 'alice-pw' });
        await saveCredential(world, {
          host: proxy.host,
          port: proxy.port === 65535 ? 1 : proxy.port + 1,
          username: 'mallory',
          password: 'mallory-pw',
        });
        await saveCredential(world, { host: 'elsewhere.example', port: proxy.port, username: 'mallory', password: 'mallory-pw' });
      }
      const supplied = new Set<string>();
      for (const payload of sequence) {
        const id = String(payload.requestId);
        const answer = world.webRequest.onAuthRequired.trigger(payload);
        if (!answerable(payload)) {
          expect(await answer).toEqual({});
        } else if (!supplied.has(id)) {
          expect(await answer).toEqual({ authCredentials: { username: 'alice', password: 'alice-pw' } });
          supplied.add(id);
        } else {
          // The proxy asked again for the same request: it refused alice. Nothing is sent; the user is asked.
          await eventually(() => expect(world.windows.list()).toHaveLength(1));
          const { credentials } = await world.send('credentials:list', {});
          expect(credentials.find((c) => c.username === 'alice')?.rejected).toBe(true);
          expect(await world.badge()).toMatchObject({ text: '1' });
          world.windows.close(world.windows.list()[0]!.id);
          expect(await answer).toEqual({ cancel: true });
          supplied.delete(id);
        }
      }
      const log = JSON.stringify(await readLog(world, 100));
      expect(log).not.toContain('alice-pw');
      expect(log).not.toContain('mallory-pw');
    });

    it('sends nothing when the only saved credentials are for other proxies, and asks instead', async () => {
      const world = startFreshBackground(path);
      if (proxy) {
        await saveCredential(world, { host: proxy.host, port: proxy.port === 65535 ? 1 : proxy.port + 1, password: 'other-port' });
        await saveCredential(world, { host: 'elsewhere.example', port: proxy.port, password: 'other-host' });
      }
      const answers = sequence.map((payload) => world.webRequest.onAuthRequired.trigger(payload));
      if (sequence.some(answerable)) {
        await eventually(() => expect(world.windows.list().length).toBeGreaterThan(0));
        for (const w of world.windows.list()) world.windows.close(w.id);
      }
      const results = await Promise.all(answers);
      sequence.forEach((payload, i) => expect(results[i]).toEqual(answerable(payload) ? { cancel: true } : {}));
    });
  });
});
