/** Options of `startSimulator` (and of `npm run sim`), validated with zod. */
import { z } from 'zod';
import { faultPatchSchema } from './faults';
import { limitSettingsSchema } from './rateLimits';
import { PLATFORMS } from './types';

const instant = z.union([
  z.iso.datetime({ offset: true }),
  z.date().transform((d) => d.toISOString()),
]);

export const clockSettingSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('real') }).strict(),
  z
    .object({
      mode: z.literal('accelerated'),
      /** Wall seconds per simulated day. */
      daySeconds: z.number().positive().max(86_400),
      /** Simulated instant to start from (default: see README). */
      start: instant.optional(),
    })
    .strict(),
  z.object({ mode: z.literal('fixed'), at: instant.optional() }).strict(),
]);
export type ClockSettingInput = z.input<typeof clockSettingSchema>;

const limitsPatchSchema = z
  .object({
    facebook: limitSettingsSchema.shape.facebook.partial(),
    instagram: limitSettingsSchema.shape.instagram.partial(),
    x: limitSettingsSchema.shape.x.partial(),
    youtube: limitSettingsSchema.shape.youtube.partial(),
    tiktok: limitSettingsSchema.shape.tiktok.partial(),
    line: limitSettingsSchema.shape.line.partial(),
  })
  .partial()
  .strict();

/** Live mode: new posts keep being published on the running clock (see live.ts). */
export const liveSettingsSchema = z
  .object({
    /** New posts per simulated day on each platform in `platforms`. */
    postsPerDay: z.number().positive().max(1000),
    /** Platforms that publish (default: all six). */
    platforms: z.array(z.enum(PLATFORMS)).min(1).max(PLATFORMS.length).optional(),
    /** Share of new posts that are infographics (default 0.6). */
    infographicShare: z.number().min(0).max(1).default(0.6),
    /** Simulated instant the feed starts (default: the clock's instant at start-up). */
    from: instant.optional(),
    /** Stop after this many live posts in all (default 200,000). */
    maxPosts: z.number().int().min(1).max(1_000_000).default(200_000),
  })
  .strict();
export type LiveSettingsInput = z.input<typeof liveSettingsSchema>;

/** `fy2564`, `generated`, a JSON file (`{ file }`) or the same content inline (`{ data }`). */
export const datasetOptionSchema = z.union([
  z.enum(['fy2564', 'generated']),
  z.object({ file: z.string().min(1) }).strict(),
  z.object({ data: z.unknown(), name: z.string().min(1).optional() }).strict(),
]);

export const simulatorOptionsSchema = z
  .object({
    /** TCP port; 0 picks a free one. */
    port: z.number().int().min(0).max(65_535).default(0),
    host: z.string().min(1).default('127.0.0.1'),
    /** `fy2564` (the seed), `generated` (`posts` stories from `seed`), `{file}` or `{data}`. */
    dataset: datasetOptionSchema.default('fy2564'),
    /** Generated data set: number of Facebook stories, 10..100,000. */
    posts: z.number().int().min(10).max(100_000).default(1000),
    /** Seed for data, ids and fault draws. */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(2564),
    clock: clockSettingSchema.default({ mode: 'fixed' }),
    faults: faultPatchSchema.default({}),
    limits: limitsPatchSchema.default({}),
    /** Roughly one Graph cursor in N first answers an empty page that still has `next`; 0 = never. */
    emptyPageEvery: z.number().int().min(0).max(1000).default(4),
    /** Token for `/_sim/*`; random when absent. */
    adminToken: z.string().min(16).max(200).optional(),
    /** Entries kept in the request log. */
    requestLogSize: z.number().int().min(1).max(1_000_000).default(10_000),
    /** Live mode: new posts keep appearing as the clock advances. */
    live: liveSettingsSchema.optional(),
  })
  .strict();

export type SimulatorOptions = z.input<typeof simulatorOptionsSchema>;
export type ResolvedOptions = z.output<typeof simulatorOptionsSchema>;

/** One readable sentence for the first problem zod found. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}
