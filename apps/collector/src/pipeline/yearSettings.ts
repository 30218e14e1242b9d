/**
 * A fiscal year's KPI settings as the collector applies them (threshold, infographic rule,
 * counting rule), read from `kpi_settings` and cached briefly: that collection holds one small
 * document per year, and editors change it rarely.
 */
import { DEFAULT_KPI_TARGETS, type Platform, type StoryReachMode } from '@reachline/shared';
import type { InfographicRule, ReachlineModels } from '@reachline/shared/models';

export interface YearSettings {
  fiscalYear: number;
  threshold: number;
  rule: InfographicRule;
  storyReach: StoryReachMode;
  countedPlatforms: Platform[];
}

/** A year nobody configured yet: the default targets, every platform summed, no rule. */
export function defaultYearSettings(fiscalYear: number): YearSettings {
  return {
    fiscalYear,
    threshold: DEFAULT_KPI_TARGETS.threshold,
    rule: { hashtags: [], keywords: [], mediaTypes: [] },
    storyReach: DEFAULT_KPI_TARGETS.storyReach,
    countedPlatforms: [],
  };
}

export class YearSettingsCache {
  private readonly cache = new Map<number, { at: number; value: Promise<YearSettings> }>();
  constructor(
    private readonly models: ReachlineModels,
    private readonly ttlMs = 30_000,
  ) {}

  get(fiscalYear: number): Promise<YearSettings> {
    const hit = this.cache.get(fiscalYear);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = this.load(fiscalYear);
    this.cache.set(fiscalYear, { at: Date.now(), value });
    value.catch(() => this.cache.delete(fiscalYear));
    return value;
  }

  clear(): void {
    this.cache.clear();
  }

  private async load(fiscalYear: number): Promise<YearSettings> {
    const doc = await this.models.KpiSettings.findOne({ fiscalYear }).lean();
    if (!doc) {
      // A year nobody configured yet keeps the latest earlier year's infographic rule (the office
      // does not change its hashtag every October); targets and counting go back to defaults.
      const earlier = await this.models.KpiSettings.findOne({ fiscalYear: { $lt: fiscalYear } })
        .sort({ fiscalYear: -1 })
        .lean();
      const settings = defaultYearSettings(fiscalYear);
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
