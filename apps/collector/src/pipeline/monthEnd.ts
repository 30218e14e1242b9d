/**
 * Month end: at 23:00 Asia/Bangkok on the last day of a month the collector harvests what is
 * due, waits for those harvests to land, then writes each project's draft entry for the month
 * (`writeMonthDraft`, one document per project and month). It is checked on every harvest tick
 * against the collector's clock (the system's in production, the simulator's in the demo and
 * tests), so an accelerated clock, a collector that was down at 23:00, or two collectors ticking
 * together all end with exactly one draft per month; a repeated trigger changes nothing.
 */
import { lastClosedMonth, writeMonthDraft } from '@reachline/shared/store';
import { periodOfMonthKey } from '@reachline/shared';
import { reportObjectId } from '@reachline/shared/models';
import type { CollectorContext } from './context';
import type { Pipeline } from './pipeline';

export interface MonthEndResult {
  monthKey: string;
  created: string[];
}

export class MonthEnd {
  /** Months already written by this process (saves the `_id` reads on every tick). */
  private done = new Set<string>();

  constructor(
    private readonly ctx: CollectorContext,
    private readonly pipeline: Pipeline,
    private readonly drainTimeoutMs = 10 * 60_000,
  ) {}

  /**
   * Writes the drafts of the last month whose end has passed, for the projects that have none
   * yet. Returns null when there was nothing to do.
   */
  async check(): Promise<MonthEndResult | null> {
    const now = this.ctx.clock.now();
    const monthKey = lastClosedMonth(now);
    if (this.done.has(monthKey)) return null;
    const { fiscalYear } = periodOfMonthKey(monthKey);
    const projects = await this.ctx.settings.projects();
    const missing = [];
    for (const projectId of projects) {
      // Only a year an admin has set up gets entries (not the year before the first data).
      if (!(await this.ctx.models.KpiSettings.exists({ projectId, fiscalYear }))) continue;
      if (!(await this.ctx.models.Report.exists({ _id: reportObjectId(projectId, monthKey) })))
        missing.push(projectId);
    }
    if (missing.length === 0) {
      this.done.add(monthKey);
      return null;
    }
    // The entry states each story's reach on the report date: harvest what is due first.
    await this.pipeline.tickHarvest();
    await this.pipeline.drain(this.drainTimeoutMs, 500);
    const created: string[] = [];
    for (const projectId of missing) {
      const outcome = await writeMonthDraft(this.ctx.models, projectId, monthKey, now);
      if (outcome === 'created') created.push(String(projectId));
    }
    this.done.add(monthKey);
    if (created.length > 0)
      this.ctx.log.info('month-end drafts written', {
        month: monthKey,
        fiscalYear,
        projects: created,
      });
    return { monthKey, created };
  }
}
