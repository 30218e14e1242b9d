import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FY2564_DIR, SeedDataError, loadFy2564 } from './fy2564';

const realPosts = (): Record<string, unknown>[] =>
  JSON.parse(readFileSync(join(FY2564_DIR, 'posts.json'), 'utf8')) as Record<string, unknown>[];
const realEntries = (): Record<string, unknown>[] =>
  JSON.parse(readFileSync(join(FY2564_DIR, 'entries.json'), 'utf8')) as Record<string, unknown>[];

const tempDirs: string[] = [];
function seedDir(posts: unknown, entries: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'reachline-seed-'));
  tempDirs.push(dir);
  writeFileSync(join(dir, 'posts.json'), JSON.stringify(posts));
  writeFileSync(join(dir, 'entries.json'), JSON.stringify(entries));
  return dir;
}

afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadFy2564', () => {
  it('loads the real seed: 74 posts and 11 entries', () => {
    const { posts, entries } = loadFy2564();
    expect(posts).toHaveLength(74);
    expect(entries).toHaveLength(11);
    expect(new Set(posts.map((p) => p.seedId)).size).toBe(74);
  });

  it('places every post inside its own month, before its report date', () => {
    for (const post of loadFy2564().posts) {
      const iso = post.publishedAt.toISOString();
      expect(iso.slice(0, 7)).toBe(post.month);
      expect(iso.slice(0, 10) < post.reportDate).toBe(true);
    }
  });

  it.each([
    // [what is broken, file, mutate the first record, path named in the message]
    [
      'reach is a string',
      'posts.json',
      (r: Record<string, unknown>) => (r.reach = '23,156'),
      '[0.reach]',
    ],
    [
      'month is not YYYY-MM',
      'posts.json',
      (r: Record<string, unknown>) => (r.month = '6/2021'),
      '[0.month]',
    ],
    ['an unknown field', 'posts.json', (r: Record<string, unknown>) => (r.extra = 1), '[0]'],
    [
      'progress above 100',
      'entries.json',
      (r: Record<string, unknown>) => (r.progressPercent = 120),
      '[0.progressPercent]',
    ],
  ])('a malformed file (%s) throws SeedDataError naming %s and %s', (_what, file, mutate, path) => {
    const posts = realPosts();
    const entries = realEntries();
    mutate((file === 'posts.json' ? posts : entries)[0]!);
    const dir = seedDir(posts, entries);
    const load = (): unknown => loadFy2564(dir);
    expect(load).toThrow(SeedDataError);
    expect(load).toThrow(join(dir, file));
    expect(load).toThrow(path);
  });

  it('a file that is not JSON throws SeedDataError naming the file', () => {
    const dir = seedDir([], realEntries());
    writeFileSync(join(dir, 'posts.json'), '[{');
    expect(() => loadFy2564(dir)).toThrow(SeedDataError);
    expect(() => loadFy2564(dir)).toThrow(join(dir, 'posts.json'));
  });

  it('duplicate post ids (same month and index) throw', () => {
    const posts = realPosts();
    posts.push({ ...posts[0]!, title: 'a second post under the same index' });
    const dir = seedDir(posts, realEntries());
    expect(() => loadFy2564(dir)).toThrow(SeedDataError);
    expect(() => loadFy2564(dir)).toThrow(/appears twice/);
  });
});
