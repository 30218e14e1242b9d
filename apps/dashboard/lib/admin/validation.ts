/**
 * Validation of every admin form: each field has its schema and the one-sentence problem (a
 * message key) shown when it is wrong; the first wrong field wins. Pure (no server-only imports),
 * so it is unit-tested directly (validation.test.ts).
 */
import {
  DEFAULT_ENTRY_TEMPLATE,
  PLATFORMS,
  type Platform,
  STORY_REACH_MODES,
  type StoryReachMode,
  validateTemplate,
} from '@reachline/shared';
import { z } from 'zod';
import type { MessageKey } from '../i18n/catalog';

export const ADMIN_ROLES = ['viewer', 'editor', 'admin'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export interface Problem {
  key: MessageKey;
  vars?: Record<string, string | number>;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: Problem };

/** Something with FormData's `get`/`getAll` (FormData itself, or URLSearchParams in tests). */
export interface FormLike {
  get(name: string): FormDataEntryValue | null;
  getAll(name: string): FormDataEntryValue[];
}

/** A text field ('' when absent or a file). */
export function textOf(form: FormLike, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

type Fields = Record<string, { schema: z.ZodType; problem: MessageKey; raw?: unknown }>;

/** Parses each field in order; the first failure is the answer. */
function parseFields<T>(form: FormLike, fields: Fields): Parsed<T> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const raw = 'raw' in field ? field.raw : textOf(form, name);
    const result = field.schema.safeParse(raw);
    if (!result.success) return { ok: false, problem: { key: field.problem } };
    out[name] = result.data;
  }
  return { ok: true, value: out as T };
}

const objectId = z.string().regex(/^[0-9a-f]{24}$/);
const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/);
const displayName = z.string().trim().min(1).max(200);
const role = z.enum(ADMIN_ROLES);
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d{1,10}$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export interface NewUserInput {
  email: string;
  displayName: string;
  role: AdminRole;
  /** Checked by the action with passwordProblem (bcrypt lives server-side). */
  password: string;
}

export function parseNewUser(form: FormLike): Parsed<NewUserInput> {
  return parseFields(form, {
    email: { schema: email, problem: 'adminErrEmail' },
    displayName: { schema: displayName, problem: 'adminErrDisplayName' },
    role: { schema: role, problem: 'adminErrRole' },
    password: { schema: z.string(), problem: 'adminErrPasswordShort' },
  });
}

export function parseUserId(form: FormLike): Parsed<{ userId: string }> {
  return parseFields(form, { userId: { schema: objectId, problem: 'adminErrUser' } });
}

export function parseRoleChange(form: FormLike): Parsed<{ userId: string; role: AdminRole }> {
  return parseFields(form, {
    userId: { schema: objectId, problem: 'adminErrUser' },
    role: { schema: role, problem: 'adminErrRole' },
  });
}

export function parsePasswordReset(form: FormLike): Parsed<{ userId: string; password: string }> {
  return parseFields(form, {
    userId: { schema: objectId, problem: 'adminErrUser' },
    password: { schema: z.string(), problem: 'adminErrPasswordShort' },
  });
}

export interface NewAccountInput {
  platform: Platform;
  externalId: string;
  displayName: string;
  token: string;
}

export function parseNewAccount(form: FormLike): Parsed<NewAccountInput> {
  return parseFields(form, {
    platform: { schema: z.enum(PLATFORMS), problem: 'adminErrPlatform' },
    externalId: {
      schema: z
        .string()
        .trim()
        .regex(/^\S{1,200}$/),
      problem: 'adminErrAccountId',
    },
    displayName: { schema: displayName, problem: 'adminErrAccountName' },
    token: {
      schema: z
        .string()
        .trim()
        .regex(/^\S{8,4096}$/),
      problem: 'adminErrToken',
    },
  });
}

export function parseAccountId(form: FormLike): Parsed<{ accountId: string }> {
  return parseFields(form, { accountId: { schema: objectId, problem: 'adminErrAccount' } });
}

export interface NewProjectInput {
  slug: string;
  name: string;
  nameEn: string;
  order: number;
}

export function parseNewProject(form: FormLike): Parsed<NewProjectInput> {
  return parseFields(form, {
    slug: {
      schema: z
        .string()
        .trim()
        .regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
      problem: 'adminErrSlug',
    },
    name: { schema: z.string().trim().min(1).max(200), problem: 'adminErrProjectName' },
    nameEn: { schema: z.string().trim().max(200), problem: 'adminErrProjectNameEn' },
    order: { schema: wholeNumber(-1000, 1000), problem: 'adminErrOrder' },
  });
}

/** A Buddhist-Era fiscal year as typed in a form or a URL. */
export const fiscalYearSchema = wholeNumber(2500, 2700);

export function parseFiscalYear(value: string | null | undefined): number | null {
  const result = fiscalYearSchema.safeParse(value ?? '');
  return result.success ? result.data : null;
}

/** Splits a comma- or newline-separated list; trims, drops empties and repeats. */
export function splitList(text: string, stripHash = false): string[] {
  const items = text
    .split(/[,\n\r]+/)
    .map((item) => item.trim())
    .map((item) => (stripHash ? item.replace(/^#+/, '').trim() : item))
    .filter((item) => item.length > 0);
  return [...new Set(items)];
}

const ruleList = z.array(z.string().max(100)).max(100);

export interface YearSettingsInput {
  projectSlug: string;
  fiscalYear: number;
  threshold: number;
  targetStories: number;
  targetPercent: number;
  countedPlatforms: Platform[];
  storyReach: StoryReachMode;
  infographicRule: { hashtags: string[]; keywords: string[]; mediaTypes: string[] };
  reportTemplate: string;
  reportItemTemplate: string;
  reportNoPostsTemplate: string;
  reportUnit: string;
  reportReachLabel: string;
}

type ReportFields =
  | 'reportTemplate'
  | 'reportItemTemplate'
  | 'reportNoPostsTemplate'
  | 'reportUnit'
  | 'reportReachLabel';

export function parseYearSettings(form: FormLike): Parsed<YearSettingsInput> {
  const parsed = parseFields<Omit<YearSettingsInput, 'infographicRule' | ReportFields>>(form, {
    projectSlug: {
      schema: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
      problem: 'adminErrProject',
    },
    fiscalYear: { schema: fiscalYearSchema, problem: 'adminErrFiscalYear' },
    threshold: { schema: wholeNumber(1, 1_000_000_000), problem: 'adminErrThreshold' },
    targetStories: { schema: wholeNumber(0, 100_000), problem: 'adminErrTargetStories' },
    targetPercent: {
      schema: z
        .string()
        .trim()
        .regex(/^\d{1,3}(\.\d{1,2})?$/)
        .transform(Number)
        .pipe(z.number().min(0).max(100)),
      problem: 'adminErrTargetPercent',
    },
    countedPlatforms: {
      schema: z.array(z.enum(PLATFORMS)).max(PLATFORMS.length),
      problem: 'adminErrCountedPlatforms',
      raw: form.getAll('countedPlatforms'),
    },
    storyReach: {
      schema: z.enum(STORY_REACH_MODES as [StoryReachMode, ...StoryReachMode[]]),
      problem: 'adminErrStoryReach',
    },
  });
  if (!parsed.ok) return parsed;
  const lists = {
    hashtags: splitList(textOf(form, 'hashtags'), true),
    keywords: splitList(textOf(form, 'keywords')),
    mediaTypes: splitList(textOf(form, 'mediaTypes')),
  };
  for (const [field, list] of Object.entries(lists)) {
    if (!ruleList.safeParse(list).success)
      return { ok: false, problem: { key: 'adminErrRuleList', vars: { field } } };
  }
  // The monthly entry's template texts (packages/shared/src/report/template.ts); empty = default.
  const reportTemplate = textOf(form, 'reportTemplate').trim();
  const reportItemTemplate = textOf(form, 'reportItemTemplate').trim();
  const reportNoPostsTemplate = textOf(form, 'reportNoPostsTemplate').trim();
  if (
    reportTemplate.length > 5000 ||
    reportItemTemplate.length > 2000 ||
    reportNoPostsTemplate.length > 2000
  )
    return { ok: false, problem: { key: 'adminErrTemplateLong' } };
  const problem = validateTemplate({
    ...DEFAULT_ENTRY_TEMPLATE,
    status: reportTemplate || DEFAULT_ENTRY_TEMPLATE.status,
    item: reportItemTemplate || DEFAULT_ENTRY_TEMPLATE.item,
    noPosts: reportNoPostsTemplate || DEFAULT_ENTRY_TEMPLATE.noPosts,
  });
  if (problem) return { ok: false, problem: { key: 'adminErrTemplate', vars: { problem } } };
  const reportUnit = textOf(form, 'reportUnit').trim() || 'คน';
  const reportReachLabel = textOf(form, 'reportReachLabel').trim() || 'ยอดการเข้าถึง';
  if (reportUnit.length > 20 || reportReachLabel.length > 100)
    return { ok: false, problem: { key: 'adminErrReportWords' } };
  return {
    ok: true,
    value: {
      ...parsed.value,
      countedPlatforms: [...new Set(parsed.value.countedPlatforms)],
      infographicRule: lists,
      reportTemplate,
      reportItemTemplate,
      reportNoPostsTemplate,
      reportUnit,
      reportReachLabel,
    },
  };
}

export function parseNewYear(
  form: FormLike,
): Parsed<{ projectSlug: string; fiscalYear: number; copy: boolean }> {
  const parsed = parseFields<{ projectSlug: string; fiscalYear: number }>(form, {
    projectSlug: {
      schema: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
      problem: 'adminErrProject',
    },
    fiscalYear: { schema: fiscalYearSchema, problem: 'adminErrFiscalYear' },
  });
  if (!parsed.ok) return parsed;
  return { ok: true, value: { ...parsed.value, copy: textOf(form, 'copy') === 'on' } };
}

export function parseTokenName(form: FormLike): Parsed<{ name: string }> {
  return parseFields(form, {
    name: { schema: z.string().trim().min(1).max(100), problem: 'adminErrTokenName' },
  });
}

export function parseApiTokenId(form: FormLike): Parsed<{ tokenId: string }> {
  return parseFields(form, {
    tokenId: { schema: z.string().regex(/^[0-9a-f]{64}$/), problem: 'adminErrApiToken' },
  });
}

export const QUEUE_NAMES = ['harvest', 'discovery'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export function parseJobRef(form: FormLike): Parsed<{ queue: QueueName; jobId: string }> {
  return parseFields(form, {
    queue: { schema: z.enum(QUEUE_NAMES), problem: 'adminErrJob' },
    jobId: {
      schema: z
        .string()
        .min(1)
        .max(300)
        .regex(/^[\w:.-]+$/),
      problem: 'adminErrJob',
    },
  });
}
