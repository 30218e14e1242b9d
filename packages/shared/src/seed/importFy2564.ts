/**
 * Writes the FY2564 record (the 74 infographics the office reported, with their final reach)
 * into the store: one Facebook account, its posts, one story per post, a manual snapshot of each
 * reported number, and the year's KPI settings. Idempotent: every document has a deterministic
 * `_id` or unique key and is upserted, so running it twice leaves the same rows.
 */
import {
  type Fy2564Data,
  type Fy2564ProjectPage,
  loadFy2564,
  loadFy2564ProjectPage,
} from '../data/fy2564';
import { DEFAULT_KPI_TARGETS, DEFAULT_PLAN_STEPS, storyPasses } from '../kpi';
import {
  manualSnapshotBucket,
  periodFieldsOf,
  type ReachlineModels,
  snapshotId,
  stableObjectId,
  DEFAULT_PROJECT,
  DEFAULT_PROJECT_ID,
  kpiFiguresId,
  STORY_TITLE_KEYS,
  storyTitleKeyId,
  type StoryTitleKeyDoc,
  type ProjectPageSettings,
} from '../models/index';
import { normaliseTitle } from '../storyRules';
import { REACH_METRICS } from '../platforms';
import { bangkokMidnight } from '../thaiCalendar';

export const FY2564 = 2564;
export const SEED_ACCOUNT_EXTERNAL_ID = 'bma-pr-fy2564-record';

export { stableObjectId };

export interface ImportSummary {
  posts: number;
  stories: number;
  passed: number;
}

export async function importFy2564(
  models: ReachlineModels,
  data: Fy2564Data = loadFy2564(),
): Promise<ImportSummary> {
  const { Account, Post, Story, ReachSnapshot, KpiSettings } = models;
  const threshold = DEFAULT_KPI_TARGETS.threshold;
  const metric = REACH_METRICS.facebook.metric;

  await models.Project.updateOne(
    { _id: DEFAULT_PROJECT_ID },
    { $setOnInsert: { ...DEFAULT_PROJECT } },
    { upsert: true },
  );
  await KpiSettings.updateOne(
    { projectId: DEFAULT_PROJECT_ID, fiscalYear: FY2564 },
    {
      $setOnInsert: {
        projectId: DEFAULT_PROJECT_ID,
        fiscalYear: FY2564,
        // The office's hashtag, and Facebook's number: the figure it reported that year.
        infographicRule: { hashtags: ['อินโฟกราฟิกกทม'], keywords: [], mediaTypes: [] },
        countedPlatforms: ['facebook'],
        threshold,
        targetStories: DEFAULT_KPI_TARGETS.targetStories,
        targetPercent: DEFAULT_KPI_TARGETS.targetPercent,
        planSteps: DEFAULT_PLAN_STEPS.map((s) => ({ ...s })),
        page: pageSettingsOf(loadFy2564ProjectPage()),
      },
    },
    { upsert: true, runValidators: true },
  );

  const accountId = stableObjectId(`account:${SEED_ACCOUNT_EXTERNAL_ID}`);
  await Account.updateOne(
    { platform: 'facebook', externalId: SEED_ACCOUNT_EXTERNAL_ID },
    {
      $setOnInsert: {
        _id: accountId,
        platform: 'facebook',
        externalId: SEED_ACCOUNT_EXTERNAL_ID,
        displayName: 'สำนักงานประชาสัมพันธ์ กทม. (FY2564 record)',
        enabled: false, // a historical record: nothing to harvest
      },
    },
    { upsert: true },
  );

  let passed = 0;
  const postOps = [];
  const storyOps = [];
  const snapshotOps = [];
  const titleKeyOps = [];
  const months: Record<string, { published: number; passed: number }> = {};
  for (const seed of data.posts) {
    const postId = stableObjectId(`post:${seed.seedId}`);
    const storyId = stableObjectId(`story:${seed.seedId}`);
    const period = periodFieldsOf(seed.publishedAt);
    const reportedAt = bangkokMidnight(
      Number(seed.reportDate.slice(0, 4)),
      Number(seed.reportDate.slice(5, 7)),
      Number(seed.reportDate.slice(8, 10)),
    );
    const didPass = storyPasses(seed.reach, threshold);
    if (didPass) passed += 1;
    const month = (months[period.monthKey] ??= { published: 0, passed: 0 });
    month.published += 1;
    if (didPass) month.passed += 1;
    // So that discovery, finding the same post on the page later, matches it instead of doubling.
    const titleKey = normaliseTitle(seed.title);
    titleKeyOps.push({
      updateOne: {
        filter: { _id: storyTitleKeyId(DEFAULT_PROJECT_ID, FY2564, titleKey) },
        update: { $addToSet: { entries: { storyId, publishedAt: seed.publishedAt } } },
        upsert: true,
      },
    });
    postOps.push({
      updateOne: {
        filter: { platform: 'facebook' as const, externalId: seed.seedId },
        update: {
          $setOnInsert: { _id: postId, platform: 'facebook' as const, externalId: seed.seedId },
          $set: {
            accountId,
            url: `https://www.facebook.com/bangkok.pr/posts/${encodeURIComponent(seed.seedId)}`,
            title: seed.title,
            publishedAt: seed.publishedAt,
            period,
            isInfographic: true,
            infographicReason: 'editor',
            storyId,
            projectId: DEFAULT_PROJECT_ID,
            latestReach: seed.reach,
            latestReachAt: reportedAt,
            reachMetric: metric,
            crossedThresholdAt: didPass ? reportedAt : null,
            nextHarvestAt: null,
          },
        },
        upsert: true,
      },
    });
    storyOps.push({
      updateOne: {
        filter: { _id: storyId },
        update: {
          $set: {
            projectId: DEFAULT_PROJECT_ID,
            title: seed.title,
            publishedAt: seed.publishedAt,
            period,
            postIds: [postId],
            platforms: ['facebook'],
            members: {
              [String(postId)]: {
                platform: 'facebook',
                reach: seed.reach,
                counted: true,
                imported: true,
              },
            },
            titleKey,
            reach: seed.reach,
            reachMode: 'sum',
            threshold,
            passed: didPass,
            crossedThresholdAt: didPass ? reportedAt : null,
          },
        },
        upsert: true,
      },
    });
    const bucket = manualSnapshotBucket(reportedAt);
    snapshotOps.push({
      updateOne: {
        filter: { _id: snapshotId(postId, bucket) },
        update: {
          $set: {
            postId,
            bucket,
            capturedAt: reportedAt,
            reach: seed.reach,
            metric,
            source: 'manual',
            rawPayload: JSON.stringify({
              reachLabel: seed.reachLabel,
              unit: seed.unit,
              entry: seed.entry,
            }),
          },
        },
        upsert: true,
      },
    });
  }
  // One bulkWrite per collection; FerretDB applies them in order and stops at the first error.
  await Post.bulkWrite(postOps, { ordered: true });
  await Story.bulkWrite(storyOps, { ordered: true });
  await ReachSnapshot.bulkWrite(snapshotOps, { ordered: true });
  await Story.db
    .collection<StoryTitleKeyDoc>(STORY_TITLE_KEYS)
    .bulkWrite(titleKeyOps, { ordered: true });
  await models.KpiFigures.updateOne(
    { _id: kpiFiguresId(FY2564) },
    {
      $set: {
        projectId: DEFAULT_PROJECT_ID,
        fiscalYear: FY2564,
        published: data.posts.length,
        passed,
        months,
        updatedAt: new Date(),
      },
    },
    { upsert: true },
  );
  return { posts: data.posts.length, stories: data.posts.length, passed };
}

/** The FY2564 page's texts as the year's page settings. */
function pageSettingsOf(page: Fy2564ProjectPage): ProjectPageSettings {
  return {
    activity: page.header.activity,
    projectCode: page.header.projectCode,
    owner: page.header.owner,
    contact: page.header.contact,
    rationale: page.texts.rationale,
    unitCode: page.texts.unitCode,
    objective: page.texts.objective,
    strategies: [...page.texts.strategies],
    kpiCode: page.kpi.code,
    kpiIndicator: page.kpi.indicator,
    kpiTypes: [...page.kpi.types],
    assessmentQuarter: page.header.assessment?.quarter ?? null,
    assessmentScore: page.header.assessment?.score ?? null,
    stepDates: page.planStepDates.map((d) => ({ ...d })),
  };
}
