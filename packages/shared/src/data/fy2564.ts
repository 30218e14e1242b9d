/**
 * The FY2564 seed data set (Bangkok's infographic project page, parsed) carried in under
 * `data/fy2564/`. Loaded and validated here so that every consumer (tests, simulator, demo
 * seeding, dashboard) sees the same facts, and a malformed file stops the program loudly.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date written YYYY-MM-DD');
const monthKey = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month written YYYY-MM');

export const seedPostSchema = z
  .object({
    entry: z.number().int().min(1),
    reportDate: isoDate,
    month: monthKey,
    index: z.string().regex(/^\d+(\.\d+)?$/, 'expected an item index such as "3" or "2.4"'),
    title: z.string().min(1),
    reach: z.number().int().nonnegative(),
    reachLabel: z.string().min(1),
    unit: z.string().min(1),
  })
  .strict();

export const seedEntrySchema = z
  .object({
    entry: z.number().int().min(1),
    progressPercent: z.number().min(0).max(100),
    reportDate: isoDate,
    dateAsWritten: z.string().min(1),
    statusTextRaw: z.string().min(1),
    statedCount: z.number().int().nonnegative().nullable(),
    listedCount: z.number().int().nonnegative(),
    problems: z.string(),
    obstacles: z.string(),
  })
  .strict();

export type SeedPostRecord = z.infer<typeof seedPostSchema>;
export type SeedEntry = z.infer<typeof seedEntrySchema>;

/** A seed post with the identity and publication instant every consumer agrees on. */
export interface SeedPost extends SeedPostRecord {
  /** Stable id, e.g. `fy2564-2021-06-3`; the simulator uses it to build platform post ids. */
  seedId: string;
  /**
   * The page gives only the month of each post. We place the month's posts evenly between the
   * 1st and the report date, at 10:00 Asia/Bangkok (03:00 UTC), in listed order. Deterministic.
   */
  publishedAt: Date;
}

export interface Fy2564Data {
  posts: SeedPost[];
  entries: SeedEntry[];
}

export class SeedDataError extends Error {
  override name = 'SeedDataError';
}

const here = dirname(fileURLToPath(import.meta.url));
/** `data/fy2564` at the repository root. */
export const FY2564_DIR = resolve(here, '../../../../data/fy2564');

function readJsonArray<T>(file: string, schema: z.ZodType<T>): T[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SeedDataError(`Cannot read seed file ${file}: ${(err as Error).message}`);
  }
  const parsed = z.array(schema).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '?';
    throw new SeedDataError(
      `Seed file ${file} is malformed at [${where}]: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

function placeInMonth(posts: SeedPostRecord[]): SeedPost[] {
  const byMonth = new Map<string, SeedPostRecord[]>();
  for (const p of posts) {
    const list = byMonth.get(p.month) ?? [];
    list.push(p);
    byMonth.set(p.month, list);
  }
  return posts.map((p) => {
    const siblings = byMonth.get(p.month) ?? [p];
    const k = siblings.indexOf(p);
    const [y, m] = p.month.split('-').map(Number) as [number, number];
    const reportDay = Number(p.reportDate.slice(8, 10));
    // Days 1..reportDay-1 (the report itself is filed on reportDay), spread evenly.
    const span = Math.max(1, reportDay - 1);
    const day = 1 + Math.floor((k * span) / siblings.length);
    return {
      ...p,
      seedId: `fy2564-${p.month}-${p.index}`,
      publishedAt: new Date(Date.UTC(y, m - 1, day, 3, 0, 0)),
    };
  });
}

/** Load and validate `data/fy2564` (or another directory with the same two files). */
export function loadFy2564(dir: string = FY2564_DIR): Fy2564Data {
  const records = readJsonArray(resolve(dir, 'posts.json'), seedPostSchema);
  const entries = readJsonArray(resolve(dir, 'entries.json'), seedEntrySchema);
  const ids = new Set<string>();
  for (const p of records) {
    const id = `${p.month}-${p.index}`;
    if (ids.has(id)) throw new SeedDataError(`Seed post ${id} appears twice in ${dir}/posts.json`);
    ids.add(id);
    if (!p.reportDate.startsWith(p.month)) {
      throw new SeedDataError(
        `Seed post ${id}: reportDate ${p.reportDate} is not in its month ${p.month}`,
      );
    }
  }
  const entryNumbers = new Set(entries.map((e) => e.entry));
  for (const p of records) {
    if (!entryNumbers.has(p.entry)) {
      throw new SeedDataError(
        `Seed post ${p.month}-${p.index} names entry ${p.entry}, which is missing`,
      );
    }
  }
  return { posts: placeInMonth(records), entries };
}

/** The FY2564 project page's own texts (`project-page.json`), cut from the seed page by a script. */
export interface Fy2564ProjectPage {
  header: {
    activity: string;
    projectCode: string;
    owner: string;
    fiscalYear: number;
    contact: string;
    assessment: { quarter: 1 | 2 | 3 | 4; score: number } | null;
  };
  texts: {
    rationale: string;
    unitCode: string;
    objective: string;
    goal: string;
    strategies: string[];
  };
  planStepDates: { start: string; end: string }[];
  kpi: { code: string; indicator: string; types: string[] };
}

const projectPageSchema = z.object({
  header: z.object({
    activity: z.string(),
    projectCode: z.string(),
    owner: z.string(),
    fiscalYear: z.number().int(),
    contact: z.string(),
    assessment: z
      .object({
        quarter: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
        score: z.number(),
      })
      .nullable(),
  }),
  texts: z.object({
    rationale: z.string(),
    unitCode: z.string(),
    objective: z.string(),
    goal: z.string(),
    strategies: z.array(z.string()),
  }),
  planStepDates: z.array(z.object({ start: z.string(), end: z.string() })),
  kpi: z.object({ code: z.string(), indicator: z.string(), types: z.array(z.string()) }),
});

export function loadFy2564ProjectPage(dir: string = FY2564_DIR): Fy2564ProjectPage {
  const file = resolve(dir, 'project-page.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SeedDataError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const parsed = projectPageSchema.safeParse(raw);
  if (!parsed.success)
    throw new SeedDataError(`${file}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
