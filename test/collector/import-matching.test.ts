/**
 * The FY2564 record imported by hand first (importFy2564: a record account, 74 posts, their
 * stories and manual numbers), then the collector discovers the same posts on the page: each
 * found post takes its imported twin's place in the story, nothing is counted twice, and the
 * office's figures stay 74 / 69.
 */
import { importFy2564 } from '@reachline/shared/seed';
import { kpiFiguresId, postObjectId } from '@reachline/shared/models';
import { loadFy2564 } from '@reachline/shared/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector, type TestCollector } from '../helpers/collector';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
let c: TestCollector;
const seed = loadFy2564();

beforeAll(async () => {
  // After the last report date: every post is on the page with the office's number.
  c = await startTestCollector(db, { start: new Date('2021-07-01T12:00:00+07:00') });
  await importFy2564(c.models, seed);
  await c.step();
}, 240_000);

afterAll(async () => {
  await c?.close();
});

describe('imported posts found again by discovery', () => {
  it('are matched, not doubled: still 74 stories, 69 passed', async () => {
    expect(await c.models.Story.countDocuments({ 'period.fiscalYear': 2564 })).toBe(74);
    const figures = await c.models.KpiFigures.findById(kpiFiguresId(2564)).lean();
    expect({ published: figures?.published, passed: figures?.passed }).toEqual({
      published: 74,
      passed: 69,
    });
  });

  it('put the discovered Facebook post in the story, in place of the imported one', async () => {
    const catalog = await c.admin.posts({ platform: 'facebook', limit: 1000 });
    const bySeed = new Map(catalog.posts.filter((p) => p.seedId).map((p) => [p.seedId!, p.id]));
    const problems: string[] = [];
    for (const s of seed.posts) {
      const found = await c.models.Post.findById(
        postObjectId('facebook', bySeed.get(s.seedId)!),
      ).lean();
      const story = found?.storyId ? await c.models.Story.findById(found.storyId).lean() : null;
      const members = Object.entries(
        (story?.members ?? {}) as unknown as Record<
          string,
          { platform: string; imported?: boolean }
        >,
      );
      const facebook = members.filter(([, m]) => m.platform === 'facebook');
      if (!story) problems.push(`${s.seedId}: no story`);
      else if (facebook.length !== 1 || facebook[0]![0] !== String(found!._id))
        problems.push(`${s.seedId}: facebook members ${facebook.map(([id]) => id).join(',')}`);
      else if (story.reach !== s.reach) problems.push(`${s.seedId}: ${story.reach} ≠ ${s.reach}`);
    }
    expect(problems).toEqual([]);
  });

  it('keeps the imported record, out of every story', async () => {
    const imported = await c.models.Post.find({ externalId: /^fy2564-/ }, { storyId: 1 }).lean();
    expect(imported).toHaveLength(74);
    expect(imported.filter((p) => p.storyId !== null)).toEqual([]);
  });
});
