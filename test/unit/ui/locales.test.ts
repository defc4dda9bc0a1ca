import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Entry {
  readonly message: string;
  readonly description?: string;
  readonly placeholders?: Record<string, { readonly content: string; readonly example?: string }>;
}

const root = join(import.meta.dirname, '../../..');
const english = JSON.parse(readFileSync(join(root, 'public/_locales/en/messages.json'), 'utf8')) as Record<string, Entry>;
const keys = Object.keys(english);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const sources = sourceFiles(join(root, 'src')).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
const manifest = readFileSync(join(root, 'manifest.json'), 'utf8');

/**
 * The keys the code names, found statically: `t('key'…)` calls, `key: 'key'`
 * in a UserMessage, every value of a `…_KEYS` map, and `__MSG_key__` in the
 * manifest. Keys built from strings at run time are not allowed (typed maps
 * instead), so this finds them all.
 */
function findUsedKeys(): Map<string, string> {
  const used = new Map<string, string>();
  const add = (key: string, where: string) => used.set(key, where);
  for (const { path, text } of sources) {
    for (const m of text.matchAll(/\bt\(\s*'([^']+)'/g)) add(m[1]!, path);
    for (const m of text.matchAll(/\bkey: '([^']+)'/g)) add(m[1]!, path);
    for (const map of text.matchAll(/const [A-Z_]+_KEYS = \{([^}]*)\}/g)) {
      for (const m of map[1]!.matchAll(/:\s*'([^']+)'/g)) add(m[1]!, path);
    }
    // The pages' tables of [id, key] and [key, value] pairs (settings fields, record details), typed MessageKey.
    if (path.includes('/src/ui/')) {
      for (const m of text.matchAll(/\['[^']*',\s*'(\w+)'\]/g)) if (m[1]! in english) add(m[1]!, path);
      for (const m of text.matchAll(/\['(\w+)',\s*[^\]']/g)) if (m[1]! in english) add(m[1]!, path);
    }
  }
  for (const m of manifest.matchAll(/__MSG_(\w+)__/g)) add(m[1]!, 'manifest.json');
  return used;
}

const used = findUsedKeys();

describe('public/_locales/en/messages.json', () => {
  it('has every key the code names', () => {
    const missing = [...used].filter(([key]) => !(key in english)).map(([key, where]) => `${key} (${where})`);
    expect(missing).toEqual([]);
  });

  it('has no key the code never names', () => {
    const everyLiteral = sources.map((s) => s.text).join('\n') + manifest;
    const dead = keys.filter((key) => !used.has(key) && !everyLiteral.includes(`'${key}'`));
    expect(dead).toEqual([]);
  });

  it('tells a translator where each text appears and what it means', () => {
    const poor = keys.filter((key) => {
      const { description = '', message } = english[key]!;
      const d = description.trim();
      return d.length < 30 || d === message || new RegExp(`\\b${key}\\b`, 'i').test(d);
    });
    expect(poor).toEqual([]);
  });

  it('says what fills each placeholder', () => {
    const unexplained = keys.filter((key) => {
      const { description = '', placeholders = {} } = english[key]!;
      return Object.keys(placeholders).some((name) => !description.includes(`$${name.toUpperCase()}$`));
    });
    expect(unexplained).toEqual([]);
  });

  it('declares exactly the placeholders each message uses, each filled from $1, $2…', () => {
    const wrong = keys.filter((key) => {
      const { message, placeholders = {} } = english[key]!;
      const inMessage = [...new Set([...message.matchAll(/\$([A-Za-z0-9_]+)\$/g)].map((m) => m[1]!.toLowerCase()))].sort();
      const declared = Object.keys(placeholders).sort();
      const contentOk = Object.values(placeholders).every((p) => /^\$\d$/.test(p.content));
      return JSON.stringify(inMessage) !== JSON.stringify(declared) || !contentOk;
    });
    expect(wrong).toEqual([]);
  });
});
