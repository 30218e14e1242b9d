/**
 * A project's KPI settings for a fiscal year as the roll-up applies them (threshold, infographic
 * rule, counting rule), read from `kpi_settings` and cached briefly: that collection holds one
 * small document per project and year, and editors change it rarely. Also the list of projects,
 * in the order their rules are tried. Used by the collector and by the dashboard's editor actions.
 */
import type { Types } from 'mongoose';
import { DEFAULT_KPI_TARGETS, type StoryReachMode } from '../kpi';
import {
  DEFAULT_PROJECT,
  DEFAULT_PROJECT_ID,
  type InfographicRule,
  type ReachlineModels,
} from '../models/index';
import type { Platform } from '../platforms';

export interface YearSettings {
  projectId: Types.ObjectId;
  fiscalYear: number;
  threshold: number;
  rule: InfographicRule;
  storyReach: StoryReachMode;
  countedPlatforms: Platform[];
}

/** A year nobody configured yet: the default targets, every platform summed, no rule. */
export function defaultYearSettings(
  fiscalYear: number,
  projectId: Types.ObjectId = DEFAULT_PROJECT_ID,
): YearSettings {
  return {
    projectId,
    fiscalYear,
    threshold: DEFAULT_KPI_TARGETS.threshold,
    rule: { hashtags: [], keywords: [], mediaTypes: [] },
    storyReach: DEFAULT_KPI_TARGETS.storyReach,
    countedPlatforms: [],
  };
}

/** Makes sure the office's infographic project exists (idempotent, by `_id`). */
export async function ensureDefaultProject(models: ReachlineModels): Promise<void> {
  await models.Project.updateOne(
    { _id: DEFAULT_PROJECT_ID },
    { $setOnInsert: { ...DEFAULT_PROJECT } },
    { upsert: true },
  );
}

export class YearSettingsCache {
  private readonly cache = new Map<string, { at: number; value: Promise<YearSettings> }>();
  private projectList: { at: number; value: Promise<Types.ObjectId[]> } | undefined;
  constructor(
    private readonly models: ReachlineModels,
    private readonly ttlMs = 30_000,
  ) {}

  /** Project ids in rule order (the default project when none is stored). */
  projects(): Promise<Types.ObjectId[]> {
    if (this.projectList && Date.now() - this.projectList.at < this.ttlMs)
      return this.projectList.value;
    const value = this.models.Project.find({}, { _id: 1 })
      .sort({ order: 1, slug: 1 })
      .lean()
      .then((list) => (list.length > 0 ? list.map((p) => p._id) : [DEFAULT_PROJECT_ID]));
    this.projectList = { at: Date.now(), value };
    value.catch(() => (this.projectList = undefined));
    return value;
  }

  get(fiscalYear: number, projectId: Types.ObjectId = DEFAULT_PROJECT_ID): Promise<YearSettings> {
    const key = `${String(projectId)}:${fiscalYear}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = this.load(fiscalYear, projectId);
    this.cache.set(key, { at: Date.now(), value });
    value.catch(() => this.cache.delete(key));
    return value;
  }

  clear(): void {
    this.cache.clear();
    this.projectList = undefined;
  }

  private async load(fiscalYear: number, projectId: Types.ObjectId): Promise<YearSettings> {
    const doc = await this.models.KpiSettings.findOne({ projectId, fiscalYear }).lean();
    if (!doc) {
      // A year nobody configured yet keeps the latest earlier year's infographic rule (the office
      // does not change its hashtag every October); targets and counting go back to defaults.
      const earlier = await this.models.KpiSettings.findOne({
        projectId,
        fiscalYear: { $lt: fiscalYear },
      })
        .sort({ fiscalYear: -1 })
        .lean();
      const settings = defaultYearSettings(fiscalYear, projectId);
      if (earlier?.infographicRule) {
        settings.rule = {
          hashtags: earlier.infographicRule.hashtags ?? [],
          keywords: earlier.infographicRule.keywords ?? [],
          mediaTypes: earlier.infographicRule.mediaTypes ?? [],
        };
      }
      return settings;
    }
    return {
      projectId,
      fiscalYear,
      threshold: doc.threshold,
      rule: {
        hashtags: doc.infographicRule?.hashtags ?? [],
        keywords: doc.infographicRule?.keywords ?? [],
        mediaTypes: doc.infographicRule?.mediaTypes ?? [],
      },
      storyReach: doc.storyReach,
      countedPlatforms: doc.countedPlatforms ?? [],
    };
  }
}
