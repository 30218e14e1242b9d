/**
 * A data set read from a JSON file, so an office can rehearse with its own export. The schema is
 * documented in the README ("Data set file"); `examples/office-export.json` is a small example.
 * A bad file is refused with one sentence naming the file and the bad field.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  bangkokMidnight,
  IdMaker,
  indexDataset,
  INFOGRAPHIC_MARKER,
  nameLineUnits,
  viewsFactor,
  type Dataset,
  type SimAccount,
  type SimPost,
} from './dataset';
import { mulberry32, randFloat } from './prng';
import { DAY_MS, PLATFORMS, type Platform } from './types';

export class DatasetFileError extends Error {
  override name = 'DatasetFileError';
}

const platform = z.enum(PLATFORMS, { error: `must be one of ${PLATFORMS.join(', ')}` });
const instant = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 instant with a time zone, e.g. 2024-10-03T10:00:00+07:00',
});
const dayOrInstant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error:
    'must be a date (YYYY-MM-DD, read as 00:00 Bangkok time) or an ISO 8601 instant with a time zone',
});
const count = (what: string) =>
  z
    .number({ error: `must be a whole number (${what})` })
    .int({ error: `must be a whole number (${what})` })
    .min(0, { error: `must not be negative (${what})` })
    .max(1e10, { error: `must be at most 10,000,000,000 (${what})` });

export const datasetFileAccountSchema = z
  .object({
    platform,
    /** Page id, IG user id, X user id, YouTube channel id (UC…), TikTok open_id, LINE channel id. */
    id: z
      .string({ error: 'must be a string' })
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be 1-64 letters, digits, _ . or -' }),
    name: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(200),
    username: z.string({ error: 'must be a string' }).min(1).max(100).optional(),
  })
  .strict();

export const datasetFilePostSchema = z
  .object({
    platform,
    /** Account id; may be left out when the file has one account on the post's platform. */
    account: z.string({ error: 'must be a string' }).min(1).optional(),
    /** The platform's post id; generated (platform-shaped, from `seed`) when absent. */
    id: z
      .string({ error: 'must be a string' })
      .regex(/^[A-Za-z0-9_-]{1,100}$/, { error: 'must be 1-100 letters, digits, _ or -' })
      .optional(),
    publishedAt: instant,
    /** Message / caption / tweet / description, hashtags included. */
    text: z
      .string({ error: 'must be a string' })
      .min(1, { error: 'must not be empty' })
      .max(20_000),
    title: z.string({ error: 'must be a string' }).min(1).max(500).optional(),
    /** Final reach (FB/IG/LINE unique reach; X impressions; YouTube and TikTok views). */
    reach: count('the final reach'),
    /** When the reach is reached; default 28 days after publication (14 for LINE). */
    reachFinalAt: dayOrInstant.optional(),
    views: count('final views').optional(),
    likes: count('final likes').optional(),
    comments: count('final comments').optional(),
    shares: count('final shares').optional(),
    /** Default: the text contains the infographic hashtag (#อินโฟกราฟิกกทม). */
    infographic: z.boolean({ error: 'must be true or false' }).optional(),
    /** Posts of one story on several platforms share this. */
    story: z.string({ error: 'must be a string' }).min(1).max(200).optional(),
    /** The office's own reference; shown as `seedId` in the admin catalog. */
    ref: z.string({ error: 'must be a string' }).min(1).max(200).optional(),
    /** LINE: messages delivered. */
    delivered: count('messages delivered').optional(),
    /** LINE: custom aggregation unit the message was sent with. */
    unit: z
      .string({ error: 'must be a string' })
      .regex(/^[a-zA-Z0-9_]{1,30}$/, { error: 'must be 1-30 letters, digits or _' })
      .optional(),
  })
  .strict();

export const datasetFileSchema = z
  .object(
    {
      $schema: z.string().optional(),
      description: z.string().max(2000).optional(),
      accounts: z
        .array(datasetFileAccountSchema, { error: 'must be a list of accounts' })
        .min(1, { error: 'must list at least one account' })
        .max(100, { error: 'must list at most 100 accounts' }),
      posts: z
        .array(datasetFilePostSchema, { error: 'must be a list of posts' })
        .min(1, { error: 'must list at least one post' })
        .max(100_000, { error: 'must list at most 100,000 posts' }),
    },
    { error: 'the top level must be a JSON object with "accounts" and "posts"' },
  )
  .strict();

export type DatasetFile = z.input<typeof datasetFileSchema>;

/** `['posts', 3, 'publishedAt']` -> `posts[3].publishedAt`. */
function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out === '' ? String(k) : `.${String(k)}`;
  }
  return out;
}

function refuse(file: string, field: string, problem: string): never {
  const where = field === '' ? '' : ` at ${field}`;
  throw new DatasetFileError(`Dataset file ${file} is invalid${where}: ${problem}.`);
}

function firstIssue(file: string, error: z.ZodError): never {
  const issue = error.issues[0];
  if (!issue) return refuse(file, '', 'invalid');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '?';
    const field = fieldPath([...issue.path, key]);
    return refuse(file, field, 'unknown field (see the README for the schema)');
  }
  let message = issue.message;
  if (issue.code === 'invalid_type' && issue.input === undefined) message = 'is required';
  return refuse(file, fieldPath(issue.path), message.replace(/\.$/, ''));
}

const DEFAULT_CURVE_DAYS: Record<Platform, number> = {
  facebook: 28,
  instagram: 28,
  x: 28,
  youtube: 28,
  tiktok: 28,
  line: 14,
};

function instantOf(s: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? bangkokMidnight(s) : Date.parse(s);
}

/** Validate parsed JSON and build the data set; `file` names the source in error sentences. */
export function datasetFromJson(raw: unknown, file: string, seed: number): Dataset {
  const parsed = datasetFileSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) firstIssue(file, parsed.error);
  const { accounts: accountRows, posts: rows } = parsed.data;

  const accounts: SimAccount[] = [];
  const accountIds = new Set<string>();
  accountRows.forEach((a, i) => {
    if (accountIds.has(a.id)) refuse(file, `accounts[${i}].id`, `${a.id} is listed twice`);
    accountIds.add(a.id);
    accounts.push({
      platform: a.platform,
      accountId: a.id,
      name: a.name,
      username: a.username ?? a.id,
    });
  });

  const rng = mulberry32(seed);
  const givenIds = new Set<string>();
  rows.forEach((r, i) => {
    if (r.id === undefined) return;
    if (givenIds.has(r.id)) refuse(file, `posts[${i}].id`, `${r.id} is used by an earlier post`);
    givenIds.add(r.id);
  });
  const ids = new IdMaker(rng, givenIds);
  const units = new Set<string>();
  const posts: SimPost[] = rows.map((r, i) => {
    const at = (f: string) => `posts[${i}].${f}`;
    const mine = accounts.filter((a) => a.platform === r.platform);
    let account: SimAccount | undefined;
    if (r.account !== undefined) {
      account = accounts.find((a) => a.accountId === r.account);
      if (!account) refuse(file, at('account'), `no account has the id ${r.account}`);
      if (account.platform !== r.platform) {
        refuse(
          file,
          at('account'),
          `${r.account} is a ${account.platform} account, not ${r.platform}`,
        );
      }
    } else {
      if (mine.length === 0) refuse(file, at('platform'), `no ${r.platform} account is listed`);
      if (mine.length > 1) {
        refuse(
          file,
          at('account'),
          `is required: ${mine.length} ${r.platform} accounts are listed`,
        );
      }
      account = mine[0];
    }
    if (!account) return refuse(file, at('account'), 'no account');
    if (
      r.platform === 'facebook' &&
      r.id !== undefined &&
      !r.id.startsWith(`${account.accountId}_`)
    ) {
      refuse(
        file,
        at('id'),
        `a Facebook post id is {page-id}_{post-id}, so it must start with ${account.accountId}_`,
      );
    }
    if (r.platform !== 'line') {
      if (r.delivered !== undefined) refuse(file, at('delivered'), 'is for LINE posts only');
      if (r.unit !== undefined) refuse(file, at('unit'), 'is for LINE posts only');
    }
    if (r.unit !== undefined) {
      if (units.has(r.unit)) refuse(file, at('unit'), `${r.unit} is used by an earlier post`);
      units.add(r.unit);
    }
    const publishedAt = Date.parse(r.publishedAt);
    const end =
      r.reachFinalAt === undefined
        ? publishedAt + DEFAULT_CURVE_DAYS[r.platform] * DAY_MS
        : instantOf(r.reachFinalAt);
    if (end <= publishedAt) refuse(file, at('reachFinalAt'), 'must be after publishedAt');
    if (r.views !== undefined && r.views < r.reach) {
      refuse(file, at('views'), `must be at least the reach (${r.reach})`);
    }
    if (r.delivered !== undefined && r.delivered < r.reach) {
      refuse(file, at('delivered'), `must be at least the reach (${r.reach})`);
    }
    const curveDays = (end - publishedAt) / DAY_MS;
    const title = r.title ?? (r.text.split('\n')[0] ?? '').slice(0, 200);
    const post: SimPost = {
      id: r.id ?? ids.make(r.platform, account.accountId, publishedAt),
      platform: r.platform,
      accountId: account.accountId,
      storyId: r.story ?? `story-file-${i + 1}`,
      origin: 'file',
      title: title === '' ? r.text.slice(0, 200) : title,
      text: r.text,
      infographic: r.infographic ?? r.text.includes(INFOGRAPHIC_MARKER),
      publishedAt,
      finalReach: r.reach,
      finalViews: r.views ?? Math.round(r.reach * viewsFactor(rng, r.platform)),
      finalLikes: r.likes ?? Math.round(r.reach * randFloat(rng, 0.005, 0.04)),
      finalComments: r.comments ?? Math.round(r.reach * randFloat(rng, 0.0005, 0.005)),
      finalShares: r.shares ?? Math.round(r.reach * randFloat(rng, 0.001, 0.01)),
      tauDays: Math.min(randFloat(rng, 1.5, 6), curveDays / 3),
      curveDays,
    };
    if (r.ref !== undefined) post.seedId = r.ref;
    if (r.platform === 'line') {
      post.delivered = r.delivered ?? Math.max(r.reach, Math.round(r.reach * randFloat(rng, 2, 5)));
      if (r.unit !== undefined) post.unit = r.unit;
    }
    return post;
  });
  nameLineUnits(posts, units);
  const d = indexDataset('file', seed, accounts, posts);
  d.source = file;
  return d;
}

class JsonStop extends Error {
  constructor(readonly at: number) {
    super(`JSON stops at ${at}`);
  }
}

/**
 * Where JSON.parse gave up: V8 names a position for some errors only ("Unexpected token" quotes
 * a snippet instead), so a small scanner finds the offset of the first character that cannot
 * continue a JSON text. Only called on text JSON.parse has refused.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i += 1;
  };
  const fail = (): never => {
    throw new JsonStop(i);
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i += 1;
    }
  };
  const string = () => {
    i += 1; // the opening quote
    for (;;) {
      const ch = text[i];
      if (ch === undefined || ch < ' ') fail();
      if (ch === '"') return void (i += 1);
      if (ch === '\\') {
        i += 1;
        const e = text[i];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 1;
        else fail();
      } else i += 1;
    }
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i += 1;
      ws();
      if (text[i] === '}') return void (i += 1);
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i += 1;
        value();
        ws();
        if (text[i] === ',') i += 1;
        else if (text[i] === '}') return void (i += 1);
        else fail();
      }
    }
    if (ch === '[') {
      i += 1;
      ws();
      if (text[i] === ']') return void (i += 1);
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i += 1;
        else if (text[i] === ']') return void (i += 1);
        else fail();
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '') fail();
    i += m![0].length;
  };
  try {
    value();
    ws();
    return i;
  } catch (err) {
    if (err instanceof JsonStop) return err.at;
    throw err;
  }
}

/** `line L, column C` (1-based) of an offset in `text`. */
function lineColumnOf(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/** Read, parse and validate a data set file; throws `DatasetFileError` with one sentence. */
export function loadDatasetFile(file: string, seed: number): Dataset {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : (e.code ?? e.message);
    throw new DatasetFileError(`Dataset file ${file} cannot be read (${why}).`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const why = (err as Error).message.split('\n')[0]?.replace(/\.$/, '') ?? 'bad JSON';
    throw new DatasetFileError(
      `Dataset file ${file} is not valid JSON at ${lineColumnOf(text, jsonErrorOffset(text))} (${why}).`,
    );
  }
  return datasetFromJson(raw, file, seed);
}
