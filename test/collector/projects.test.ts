/**
 * Two projects side by side: the office's infographics (order 0) and a second KPI an admin added
 * with its own rule and threshold (every other post of the office, 5,000 people). Each post counts
 * for the first project whose rule matches; figures and stories are kept per project.
 */
import { DEFAULT_PROJECT_ID, kpiFiguresId, projectObjectId } from '@reachline/shared/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector, type TestCollector } from '../helpers/collector';
import { useTestDatabase } from '../helpers/services';

const db = useTestDatabase();
let c: TestCollector;
const clips = projectObjectId('office-posts');
const at = new Date('2020-12-31T12:00:00+07:00');

beforeAll(async () => {
  c = await startTestCollector(db, { start: at });
  await c.models.Project.create({ _id: clips, slug: 'office-posts', name: 'โพสต์อื่น', order: 1 });
  c.runtime.ctx.settings.clear();
  await c.models.KpiSettings.create([
    {
      projectId: DEFAULT_PROJECT_ID,
      fiscalYear: 2564,
      infographicRule: { hashtags: ['อินโฟกราฟิกกทม'], keywords: [] },
      countedPlatforms: ['facebook'],
    },
    {
      projectId: clips,
      fiscalYear: 2564,
      threshold: 5000,
      infographicRule: { hashtags: ['กรุงเทพมหานคร'], keywords: [] },
    },
  ]);
  await c.step();
}, 180_000);

afterAll(async () => {
  await c?.close();
});

describe('projects', () => {
  it('counts each post for the first project whose rule matches', async () => {
    const catalog = await c.admin.posts({ limit: 1000 });
    const visible = catalog.posts.filter((p) => new Date(p.publishedAt) <= at);
    const infographicStories = new Set(visible.filter((p) => p.infographic).map((p) => p.storyId));
    const otherStories = new Set(visible.filter((p) => !p.infographic).map((p) => p.storyId));
    expect(infographicStories.size).toBeGreaterThan(0);
    expect(otherStories.size).toBeGreaterThan(0);

    const first = await c.models.Story.find({ projectId: DEFAULT_PROJECT_ID }).lean();
    const second = await c.models.Story.find({ projectId: clips }).lean();
    expect(first).toHaveLength(infographicStories.size);
    expect(second).toHaveLength(otherStories.size);
    expect(second.every((s) => s.threshold === 5000)).toBe(true);
    expect(first.every((s) => s.threshold === 3000)).toBe(true);

    // LINE broadcasts carry no text for a rule to read (their unit name is all there is).
    const posts = await c.models.Post.find({ platform: { $ne: 'line' } }).lean();
    expect(posts.length).toBeGreaterThan(0);
    for (const p of posts) {
      const infographic = p.text.includes('#อินโฟกราฟิกกทม');
      expect(String(p.projectId), p.externalId).toBe(
        String(infographic ? DEFAULT_PROJECT_ID : clips),
      );
    }
  });

  it('keeps figures per project', async () => {
    const a = await c.models.KpiFigures.findById(kpiFiguresId(2564)).lean();
    const b = await c.models.KpiFigures.findById(kpiFiguresId(2564, clips)).lean();
    expect(a?.published).toBe(
      await c.models.Story.countDocuments({ projectId: DEFAULT_PROJECT_ID }),
    );
    expect(b?.published).toBe(await c.models.Story.countDocuments({ projectId: clips }));
    expect(b?.passed).toBe(
      await c.models.Story.countDocuments({ projectId: clips, reach: { $gte: 5000 } }),
    );
  });
});
