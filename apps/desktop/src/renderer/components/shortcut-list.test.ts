import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listedKeys } from './shortcut-list.js';

// Every key the desk registers is in the help overlay: read from the source, so a new key without a line there fails here.

const renderer = fileURLToPath(new URL('..', import.meta.url));
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
const read = (relative: string) => readFileSync(join(renderer, relative), 'utf8');
const all = (text: string, re: RegExp) => [...text.matchAll(re)].map((m) => m[1]!);
const unlisted = (keys: string[], group?: string) => keys.filter((k) => k !== 'Escape' && !listedKeys(group).has(k) && !listedKeys(group).has(k.toLowerCase()));

describe('the help overlay lists every shortcut', () => {
  it("every `key: '…'` registered with useShortcuts", () => {
    const registering = sources(renderer).filter((f) => !f.includes('shortcut-list') && /useShortcuts\(/.test(readFileSync(f, 'utf8')));
    expect(registering.length).toBeGreaterThan(3);
    const keys = registering.flatMap((f) => all(readFileSync(f, 'utf8'), /\bkey: '([^']+)'/g));
    expect(keys).toContain('n');
    expect(unlisted(keys)).toEqual([]);
  });

  it("the finder's keys: walking, holding and more", () => {
    const finder = read('views/Finder.tsx');
    const walk = all(finder.match(/const walk[^{]*\{([^}]*)\}/)![1]!, /(\w+):/g);
    const held = all(finder.match(/\[([^\]]*)\]\.map\(\(key\): Shortcut => \(\{ key, label: 'Hold it'/)![1]!, /'([^']+)'/g);
    expect(walk).toEqual(['ArrowDown', 'j', 'ArrowUp', 'k']);
    expect(held).toEqual(['Enter', 'h']);
    expect(unlisted([...walk, ...held], 'Finder')).toEqual([]);
  });

  it("the queue panel's own keys (N, R, S, D)", () => {
    const queue = read('views/queue/QueuePanel.tsx');
    const keys = all(queue.match(/const act = \{([^}]*)\}/)![1]!, /(\w+):/g);
    expect(keys).toEqual(['n', 'r', 's', 'd']);
    expect(unlisted(keys, 'Queue')).toEqual([]);
  });
});
