/**
 * The admin API under `/_sim/*`, guarded by `Authorization: Bearer <admin token>`. Bodies are
 * validated with zod; a bad body is refused with 400 and changes nothing.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { SimContext } from './context';
import { finalAt } from './dataset';
import { faultPatchSchema } from './faults';
import { clockSettingSchema, describeIssue } from './options';
import type { RequestLog } from './requestLog';
import { bearer } from './tokens';
import { PLATFORMS, type Platform } from './types';

export interface AdminTarget {
  ctx: SimContext;
  log: RequestLog;
  adminToken: string;
  state(): unknown;
  accounts(): unknown[];
  setClock(setting: z.output<typeof clockSettingSchema>): void;
  resetLimits(platform?: Platform): void;
  reset(): void;
}

interface AdminAnswer {
  status: number;
  body: unknown;
}

const platformSchema = z.enum(PLATFORMS);
const tokenPatchSchema = z
  .object({
    status: z.enum(['valid', 'expired', 'invalid']).optional(),
    permissions: z.array(z.string().min(1).max(100)).max(50).optional(),
  })
  .strict()
  .refine((v) => v.status !== undefined || v.permissions !== undefined, {
    message: 'give status and/or permissions',
  });
const advanceSchema = z
  .object({
    ms: z
      .number()
      .int()
      .min(0)
      .max(100 * 365 * 86_400_000)
      .optional(),
    days: z
      .number()
      .min(0)
      .max(100 * 365)
      .optional(),
  })
  .strict()
  .refine((v) => (v.ms === undefined) !== (v.days === undefined), {
    message: 'give exactly one of ms or days',
  });
const limitsResetSchema = z.object({ platform: platformSchema.optional() }).strict();
const postsQuerySchema = z
  .object({
    platform: platformSchema.optional(),
    infographic: z.enum(['true', 'false']).optional(),
    origin: z.enum(['seed', 'ordinary', 'generated', 'file', 'live']).optional(),
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(200_000).default(1000),
  })
  .strict();
const requestsQuerySchema = z
  .object({
    platform: platformSchema.optional(),
    since: z.coerce.number().int().min(0).optional(),
    path: z.string().max(500).optional(),
    limit: z.coerce.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

const bad = (message: string): AdminAnswer => ({ status: 400, body: { error: { message } } });
const ok = (body: unknown): AdminAnswer => ({ status: 200, body });

function parseJson(body: string): { value: unknown } | { error: AdminAnswer } {
  if (body.trim() === '') return { value: {} };
  try {
    return { value: JSON.parse(body) as unknown };
  } catch {
    return { error: bad('Body is not valid JSON') };
  }
}

function validate<T>(schema: z.ZodType<T>, input: unknown): { value: T } | { error: AdminAnswer } {
  const r = schema.safeParse(input);
  return r.success ? { value: r.data } : { error: bad(describeIssue(r.error)) };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class AdminApi {
  constructor(private readonly t: AdminTarget) {}

  handle(
    method: string,
    url: URL,
    headers: IncomingHttpHeaders,
    body: string,
  ): Promise<AdminAnswer> {
    return Promise.resolve(this.route(method, url, headers, body));
  }

  private route(method: string, url: URL, headers: IncomingHttpHeaders, body: string): AdminAnswer {
    const given = bearer(headers.authorization);
    if (given === undefined || !sameSecret(given, this.t.adminToken)) {
      return { status: 401, body: { error: { message: 'Admin token missing or wrong' } } };
    }
    const path = url.pathname.replace(/\/+$/, '');
    const query = Object.fromEntries(url.searchParams);
    const { ctx, log } = this.t;
    const key = `${method} ${path}`;

    if (key === 'GET /_sim/state') return ok(this.t.state());
    if (key === 'GET /_sim/accounts') return ok({ accounts: this.t.accounts() });
    if (key === 'GET /_sim/tokens') return ok({ tokens: ctx.tokens.list() });
    if (key === 'GET /_sim/faults') return ok(ctx.faults.get());
    if (key === 'GET /_sim/clock') return ok(ctx.clock.state());

    if (key === 'GET /_sim/posts') {
      const q = validate(postsQuerySchema, query);
      if ('error' in q) return q.error;
      const { platform, infographic, origin, offset, limit } = q.value;
      const all = ctx.dataset.posts.filter(
        (p) =>
          (platform === undefined || p.platform === platform) &&
          (infographic === undefined || String(p.infographic) === infographic) &&
          (origin === undefined || p.origin === origin),
      );
      return ok({
        total: all.length,
        posts: all.slice(offset, offset + limit).map((p) => ({
          id: p.id,
          platform: p.platform,
          accountId: p.accountId,
          storyId: p.storyId,
          seedId: p.seedId ?? null,
          origin: p.origin,
          title: p.title,
          infographic: p.infographic,
          publishedAt: new Date(p.publishedAt).toISOString(),
          finalReach: p.finalReach,
          finalViews: p.finalViews,
          curveDays: p.curveDays,
          finalAt: new Date(finalAt(p)).toISOString(),
          ...(p.unit === undefined ? {} : { unit: p.unit }),
          deleted: ctx.deleted.has(p.id),
        })),
      });
    }

    if (method === 'DELETE' && path.startsWith('/_sim/posts/')) {
      const id = decodeURIComponent(path.slice('/_sim/posts/'.length));
      if (!ctx.dataset.byId.has(id))
        return { status: 404, body: { error: { message: `No post ${id}` } } };
      ctx.deleted.add(id);
      return ok({ id, deleted: true });
    }

    if (key === 'PATCH /_sim/faults' || key === 'PUT /_sim/faults') {
      const j = parseJson(body);
      if ('error' in j) return j.error;
      const v = validate(faultPatchSchema, j.value);
      if ('error' in v) return v.error;
      if (method === 'PUT') ctx.faults.clear();
      return ok(ctx.faults.patch(v.value));
    }
    if (key === 'DELETE /_sim/faults') {
      ctx.faults.clear();
      return ok(ctx.faults.get());
    }

    if (key === 'PUT /_sim/clock') {
      const j = parseJson(body);
      if ('error' in j) return j.error;
      const v = validate(clockSettingSchema, j.value);
      if ('error' in v) return v.error;
      this.t.setClock(v.value);
      return ok(ctx.clock.state());
    }
    if (key === 'POST /_sim/clock/advance') {
      const j = parseJson(body);
      if ('error' in j) return j.error;
      const v = validate(advanceSchema, j.value);
      if ('error' in v) return v.error;
      ctx.clock.advance(v.value.ms ?? (v.value.days ?? 0) * 86_400_000);
      return ok(ctx.clock.state());
    }

    if (key === 'GET /_sim/requests') {
      const q = validate(requestsQuerySchema, query);
      if ('error' in q) return q.error;
      const f: Parameters<RequestLog['list']>[0] = {};
      if (q.value.platform !== undefined) f.platform = q.value.platform;
      if (q.value.since !== undefined) f.since = q.value.since;
      if (q.value.path !== undefined) f.path = q.value.path;
      if (q.value.limit !== undefined) f.limit = q.value.limit;
      return ok({ lastSeq: log.lastSeq(), counts: log.counts(), entries: log.list(f) });
    }
    if (key === 'DELETE /_sim/requests') {
      log.clear();
      return ok({ cleared: true });
    }

    if (method === 'PATCH' && path.startsWith('/_sim/tokens/')) {
      const token = decodeURIComponent(path.slice('/_sim/tokens/'.length));
      const j = parseJson(body);
      if ('error' in j) return j.error;
      const v = validate(tokenPatchSchema, j.value);
      if ('error' in v) return v.error;
      if (!ctx.tokens.get(token))
        return { status: 404, body: { error: { message: 'No such token' } } };
      const patch: { status?: 'valid' | 'expired' | 'invalid'; permissions?: string[] } = {};
      if (v.value.status !== undefined) patch.status = v.value.status;
      if (v.value.permissions !== undefined) patch.permissions = v.value.permissions;
      return ok(ctx.tokens.update(token, patch));
    }

    if (key === 'POST /_sim/limits/reset') {
      const j = parseJson(body);
      if ('error' in j) return j.error;
      const v = validate(limitsResetSchema, j.value);
      if ('error' in v) return v.error;
      this.t.resetLimits(v.value.platform);
      return ok({ reset: v.value.platform ?? 'all' });
    }
    if (key === 'POST /_sim/reset') {
      this.t.reset();
      return ok(this.t.state());
    }
    return { status: 404, body: { error: { message: `No admin route ${method} ${path}` } } };
  }
}
