import 'server-only';
import { fiscalYearOf } from '@reachline/shared';
import { DEFAULT_PROJECT, DEFAULT_PROJECT_ID, type ProjectDoc } from '@reachline/shared/models';
import { getStore } from './db';
import { getReadModel, type StoryReadModel } from './live/readModel';
import { cachedFor, SMALL_CACHE_TTL_MS } from './smallCache';

export interface ProjectChoice {
  id: string;
  slug: string;
  name: string;
  nameEn: string;
}

export interface Selection {
  project: ProjectChoice;
  projects: ProjectChoice[];
  fiscalYear: number;
  /** Years with stories for this project, newest first (plus the current year). */
  years: number[];
}

export type SelectionResult =
  | { ok: true; selection: Selection }
  | { ok: false; problem: 'invalidFiscalYear' | 'unknownProject'; value: string };

function choiceOf(p: Pick<ProjectDoc, '_id' | 'slug' | 'name' | 'nameEn'>): ProjectChoice {
  return { id: String(p._id), slug: p.slug, name: p.name, nameEn: p.nameEn };
}

/** The projects, in rule order (a small collection: read whole). */
export function listProjects(): Promise<ProjectChoice[]> {
  return cachedFor('projects', SMALL_CACHE_TTL_MS, async () => {
    const { models } = await getStore();
    const docs = await models.Project.find({}).sort({ order: 1, slug: 1 }).lean();
    if (docs.length === 0) return [choiceOf({ _id: DEFAULT_PROJECT_ID, ...DEFAULT_PROJECT })];
    return docs.map(choiceOf);
  });
}

const yearsCache = new Map<string, { version: number; years: Set<number> }>();

/** The fiscal years with stories of a project, recounted only when the read model changed. */
function yearsWithData(model: StoryReadModel, projectId: string): Set<number> {
  const hit = yearsCache.get(projectId);
  if (hit && hit.version === model.version) return hit.years;
  const years = new Set<number>();
  for (const row of model.rows.values()) if (row.projectId === projectId) years.add(row.fiscalYear);
  yearsCache.set(projectId, { version: model.version, years });
  return years;
}

/**
 * `?project=<slug>&fy=<BE year>` checked: the default project is the first; the default year is
 * the current fiscal year in Asia/Bangkok when it has stories, else the latest year with data.
 */
export async function resolveSelection(
  params: Record<string, string | string[] | undefined>,
  now = new Date(),
): Promise<SelectionResult> {
  const projects = await listProjects();
  const slug = params.project;
  let project = projects[0]!;
  if (slug !== undefined) {
    const found = typeof slug === 'string' ? projects.find((p) => p.slug === slug) : undefined;
    if (!found) return { ok: false, problem: 'unknownProject', value: String(slug) };
    project = found;
  }
  const model = await getReadModel();
  const withData = yearsWithData(model, project.id);
  const current = fiscalYearOf(now);
  const years = [...new Set([...withData, current])].sort((a, b) => b - a);

  let fiscalYear: number;
  const fy = params.fy;
  if (fy === undefined || fy === '') {
    fiscalYear = withData.has(current) || withData.size === 0 ? current : Math.max(...withData);
  } else if (typeof fy === 'string' && /^25\d\d$/.test(fy)) {
    fiscalYear = Number(fy);
    if (!years.includes(fiscalYear)) years.push(fiscalYear);
    years.sort((a, b) => b - a);
  } else {
    return { ok: false, problem: 'invalidFiscalYear', value: String(fy) };
  }
  return { ok: true, selection: { project, projects, fiscalYear, years } };
}
