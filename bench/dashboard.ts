/**
 * The dashboard under load: p50 and p95 latency of the overview, the stories list, a story page
 * and the read API, with N stories (default 10,000) and M snapshots (default 500,000) in the
 * store, under 1 and then C concurrent clients (default 1,50) driven from a second process, and the server's
 * peak memory:
 *
 *   npx tsx bench/dashboard.ts [--stories 10000] [--snapshots 500000] [--clients 1,50]
 *                              [--seconds 15] [--page-cache-seconds 60] [--client raw|fetch]
 *
 * --page-cache-seconds is the server's PAGE_CACHE_SECONDS (0: every page rendered, the cost of a
 * render); each route's line says how many answers came from the page cache. --client: how the
 * load generator asks (runLoad explains; `raw`, like autocannon, does not inflate bodies).
 *
 * (`npm run bench -- dashboard`.) Services: Redis and the store from @reachline/dev-services
 * (the embedded FerretDB with the project's patches unless MONGODB_URI / MONGO_BACKEND say
 * otherwise), one fresh database. The data is written straight into the store in the collector's
 * shapes: stories over two fiscal years (2568, 2569) with 1–3 platform posts each, each post with
 * its `post_histories` chart document (30 points) and `reach_snapshots` rows, the years'
 * `kpi_settings` and `kpi_figures`. Then the dashboard's production build runs as it does in
 * production (`next build`, the standalone build behind front.mjs), and a signed-in session (a `sessions` row, as
 * the sign-in page writes it) drives each route in turn for --seconds from a child process:
 * C clients in a closed loop over keep-alive connections, each request timed on its own. The
 * server's peak RSS is VmHWM from /proc. A measurement, not a test.
 */
import { fork } from 'node:child_process';
import { Agent, get as httpGet } from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { isolatedDbUri, startDashboard, startServices } from '@reachline/dev-services';
import { PLATFORMS, type Platform, reachMetricOf } from '@reachline/shared';
import {
  createModels,
  DEFAULT_PROJECT,
  DEFAULT_PROJECT_ID,
  ensureIndexes,
  historyPointKey,
  kpiFiguresId,
  periodFieldsOf,
  snapshotId,
  stableObjectId,
} from '@reachline/shared/models';
import type { Types } from 'mongoose';
import mongoose from 'mongoose';

interface RouteResult {
  route: string;
  requests: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  /** Answers the page cache gave (`X-Page-Cache: hit`). */
  hits: number;
  /** Mean body size on the wire (compressed when the server compressed it), bytes. */
  bytes: number;
}

// ---- the load generator (runs in the child process) -------------------------------------------

async function runLoad(): Promise<void> {
  const { url, cookie, paths, clients, seconds, client } = JSON.parse(process.argv[3]!) as {
    url: string;
    cookie: string;
    paths: string[];
    clients: number;
    seconds: number;
    client: LoadClient;
  };
  // 'raw': node:http on keep-alive sockets, asking as a browser does (gzip, deflate, br) and
  // reading the bytes without decompressing them, as autocannon does: what is timed is the
  // server and the wire, not this process inflating every body on the same two cores.
  // 'fetch': undici's fetch, which decompresses each body (the method of the earlier figures).
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const rawGet = (path: string) =>
    new Promise<{ status: number; cache: string | undefined; bytes: number }>((resolve, reject) => {
      const req = httpGet(
        `${url}${path}`,
        { agent, headers: { cookie, 'accept-encoding': 'gzip, deflate, br' } },
        (res) => {
          let n = 0;
          res.on('data', (c: Buffer) => (n += c.length));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              cache: res.headers['x-page-cache'] as string | undefined,
              bytes: n,
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
    });
  const fetchGet = async (path: string) => {
    const res = await fetch(`${url}${path}`, { headers: { cookie } });
    await res.arrayBuffer();
    return {
      status: res.status,
      cache: res.headers.get('x-page-cache') ?? undefined,
      bytes: Number(res.headers.get('content-length') ?? 0),
    };
  };
  const getOnce = client === 'fetch' ? fetchGet : rawGet;
  const latencies: number[] = [];
  let errors = 0;
  let hits = 0;
  let bytes = 0;
  let next = 0;
  const deadline = Date.now() + seconds * 1000;
  const loop = async () => {
    while (Date.now() < deadline) {
      const path = paths[next++ % paths.length]!;
      const t0 = performance.now();
      try {
        const res = await getOnce(path);
        if (res.status !== 200) errors++;
        if (res.cache === 'hit') hits++;
        bytes += res.bytes;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, loop));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  process.send!({
    requests: latencies.length,
    errors,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    rps: latencies.length / elapsed,
    hits,
    bytes: latencies.length > 0 ? bytes / latencies.length : 0,
  });
}

type LoadClient = 'raw' | 'fetch';

function load(opts: {
  url: string;
  cookie: string;
  paths: string[];
  clients: number;
  seconds: number;
  client: LoadClient;
}): Promise<Omit<RouteResult, 'route'>> {
  return new Promise((resolve, reject) => {
    const child = fork(import.meta.filename, ['--load', JSON.stringify(opts)], {
      execArgv: ['--import', 'tsx'],
    });
    child.once('message', (m) => resolve(m as Omit<RouteResult, 'route'>));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
    });
  });
}

// ---- the data ---------------------------------------------------------------------------------

const say = (line: string) => process.stdout.write(`[bench] ${line}\n`);

async function seed(models: ReturnType<typeof createModels>, stories: number, snapshots: number) {
  const t0 = Date.now();
  await models.Project.updateOne(
    { _id: DEFAULT_PROJECT_ID },
    { $setOnInsert: { ...DEFAULT_PROJECT } },
    { upsert: true },
  );
  for (const fy of [2568, 2569])
    await models.KpiSettings.updateOne(
      { projectId: DEFAULT_PROJECT_ID, fiscalYear: fy },
      { $setOnInsert: { projectId: DEFAULT_PROJECT_ID, fiscalYear: fy } },
      { upsert: true },
    );
  const accountId = stableObjectId('bench-account');
  const figures = new Map<
    number,
    {
      published: number;
      passed: number;
      months: Record<string, { published: number; passed: number }>;
    }
  >();
  const start = Date.UTC(2024, 9, 1); // FY2568 begins 2024-10-01 (Bangkok close enough)
  const span = 2 * 365 * 86_400_000;
  const postIds: Types.ObjectId[] = [];
  const batch = { stories: [] as object[], posts: [] as object[], histories: [] as object[] };
  const flush = async () => {
    if (batch.stories.length) await models.Story.collection.insertMany(batch.stories);
    if (batch.posts.length) await models.Post.collection.insertMany(batch.posts);
    if (batch.histories.length) await models.PostHistory.collection.insertMany(batch.histories);
    batch.stories = [];
    batch.posts = [];
    batch.histories = [];
  };
  for (let i = 0; i < stories; i++) {
    const publishedAt = new Date(start + Math.floor((i / stories) * span));
    const period = periodFieldsOf(publishedAt);
    const storyId = stableObjectId(`bench-story-${i}`);
    const platforms: Platform[] = ['facebook', ...PLATFORMS.slice(1, 1 + (i % 3))];
    const members: Record<string, object> = {};
    const postIdsOfStory: Types.ObjectId[] = [];
    let reach = 0;
    for (const platform of platforms) {
      const postId = stableObjectId(`bench-post-${i}-${platform}`);
      const final = 500 + ((i * 7919 + platform.length * 104729) % 9000);
      const counted = platform === 'facebook';
      if (counted) reach = final;
      members[String(postId)] = { platform, reach: final, counted, imported: false };
      postIdsOfStory.push(postId);
      postIds.push(postId);
      const points: Record<string, object> = {};
      for (let k = 0; k < 30; k++) {
        const at = new Date(publishedAt.getTime() + k * 3 * 3_600_000);
        points[historyPointKey(at.toISOString())] = {
          at,
          reach: Math.round(final * (1 - Math.exp(-(k + 1) / 6))),
          source: 'api',
        };
      }
      batch.posts.push({
        _id: postId,
        platform,
        externalId: `${i}-${platform}`,
        accountId,
        url: null,
        title: `อินโฟกราฟิก กทม. เรื่องที่ ${i} ${platform}`,
        text: '',
        hashtags: ['อินโฟกราฟิกกทม'],
        mediaType: null,
        publishedAt,
        period,
        isInfographic: true,
        infographicReason: 'hashtag',
        storyId,
        projectId: DEFAULT_PROJECT_ID,
        countOverride: null,
        latestReach: final,
        latestReachAt: new Date(publishedAt.getTime() + 30 * 86_400_000),
        latestReachSource: 'api',
        reachMetric: reachMetricOf(platform).metric,
        crossedThresholdAt: null,
        nextHarvestAt: null,
        lastHarvestAt: null,
        harvestReopenedAt: null,
        harvestError: null,
      });
      batch.histories.push({
        _id: postId,
        platform,
        metric: reachMetricOf(platform).metric,
        points,
      });
    }
    const passed = reach >= 3000;
    batch.stories.push({
      _id: storyId,
      projectId: DEFAULT_PROJECT_ID,
      title: `อินโฟกราฟิก กทม. เรื่องที่ ${i}: ${['ชวนเที่ยวสวน', 'วัคซีน', 'ขยะชิ้นใหญ่', 'น้ำท่วม', 'ฝุ่น PM2.5'][i % 5]}`,
      publishedAt,
      period,
      postIds: postIdsOfStory,
      platforms,
      members,
      titleKey: `bench ${i}`,
      reach,
      reachMode: 'sum',
      threshold: 3000,
      passed,
      crossedThresholdAt: passed ? new Date(publishedAt.getTime() + 86_400_000) : null,
      createdAt: publishedAt,
      updatedAt: publishedAt,
    });
    const f = figures.get(period.fiscalYear) ?? { published: 0, passed: 0, months: {} };
    figures.set(period.fiscalYear, f);
    f.published++;
    if (passed) f.passed++;
    const m = (f.months[period.monthKey] ??= { published: 0, passed: 0 });
    m.published++;
    if (passed) m.passed++;
    if (batch.stories.length >= 500) await flush();
  }
  await flush();
  for (const [fy, f] of figures)
    await models.KpiFigures.collection.insertOne({
      _id: kpiFiguresId(fy),
      projectId: DEFAULT_PROJECT_ID,
      fiscalYear: fy,
      published: f.published,
      passed: f.passed,
      months: f.months,
      updatedAt: new Date(),
    } as never);
  say(
    `${stories} stories, ${postIds.length} posts and their charts in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  const t1 = Date.now();
  let written = 0;
  let rows: object[] = [];
  for (let k = 0; written + rows.length < snapshots; k++) {
    const postId = postIds[k % postIds.length]!;
    const capturedAt = new Date(start + (k % 100_000) * 60_000 + Math.floor(k / 100_000));
    const bucket = `${capturedAt.toISOString()}#${Math.floor(k / postIds.length)}`;
    rows.push({
      _id: snapshotId(postId, bucket),
      postId,
      bucket,
      capturedAt,
      reach: k % 10_000,
      metric: 'post_total_media_view_unique',
      metrics: {},
      rawPayload: null,
      source: 'api',
      harvestRunId: null,
      enteredBy: null,
    });
    if (rows.length === 1000) {
      await models.ReachSnapshot.collection.insertMany(rows, { ordered: false });
      written += rows.length;
      rows = [];
      if (written % 50_000 === 0)
        say(`  ${written} snapshots (${Math.round(written / ((Date.now() - t1) / 1000))}/s)`);
    }
  }
  if (rows.length) await models.ReachSnapshot.collection.insertMany(rows);
  written += rows.length;
  say(`${written} snapshots in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stories: { type: 'string', default: '10000' },
      snapshots: { type: 'string', default: '500000' },
      clients: { type: 'string', default: '1,50' },
      seconds: { type: 'string', default: '15' },
      'page-cache-seconds': { type: 'string', default: '60' },
      client: { type: 'string', default: 'raw' },
    },
  });
  const stories = Number(values.stories);
  const snapshots = Number(values.snapshots);
  const clientLevels = values.clients.split(',').map(Number);
  const seconds = Number(values.seconds);
  const pageCacheSeconds = values['page-cache-seconds'];
  const client = values.client as LoadClient;
  if (client !== 'raw' && client !== 'fetch') throw new Error('--client must be raw or fetch');
  if (!/^\d{1,4}$/.test(pageCacheSeconds))
    throw new Error('--page-cache-seconds must be a whole number from 0 (off) to 3600');
  for (const [name, v] of Object.entries({
    stories,
    snapshots,
    seconds,
    ...Object.fromEntries(clientLevels.map((c, i) => [`clients[${i}]`, c])),
  }))
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a whole number ≥ 1`);

  say(
    `node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const services = await startServices();
  const dbName = `bench_dashboard_${randomBytes(3).toString('hex')}`;
  const mongoUri = isolatedDbUri(services.mongoUri, dbName);
  const conn = await mongoose.createConnection(mongoUri).asPromise();
  let dashboard: Awaited<ReturnType<typeof startDashboard>> | undefined;
  try {
    say(
      `store: ${services.mongoKind} (${mongoUri.replace(/\/\/[^@]*@/, '//')}); Redis: ${services.redisKind}`,
    );
    const models = createModels(conn);
    await ensureIndexes(models);
    await seed(models, stories, snapshots);

    const secret = randomBytes(32).toString('hex');
    const token = randomBytes(32).toString('base64url');
    const admin = await models.User.create({
      email: 'bench@reachline.test',
      passwordHash: '$2b$04$abcdefghijklmnopqrstuuMn8oNbCS6Ct2ZMTHR1u0W8kfTi5D0rW',
      role: 'admin',
      displayName: 'bench',
    });
    await models.Session.create({
      _id: createHmac('sha256', secret).update(token).digest('hex'),
      userId: admin._id,
      role: 'admin',
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    say('building and starting the dashboard (production build)…');
    dashboard = await startDashboard({
      env: {
        MONGODB_URI: mongoUri,
        REDIS_URL: services.redisUrl,
        SESSION_SECRET: secret,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        QUEUE_PREFIX: dbName,
        PAGE_CACHE_SECONDS: pageCacheSeconds,
      },
      timeoutMs: 120_000,
    });
    const pid = dashboard.process.pid!;
    const cookie = `reachline_session=${token}`;
    const storyIds = Array.from({ length: 200 }, (_, k) =>
      String(stableObjectId(`bench-story-${Math.floor((k * stories) / 200)}`)),
    );
    const routes: [string, string[]][] = [
      ['overview  GET /?fy=2569', ['/?fy=2569']],
      [
        'stories list  GET /stories?fy=2569&page=N (pages 1–20, filters)',
        Array.from({ length: 20 }, (_, k) =>
          k % 4 === 3
            ? `/stories?fy=2569&status=passed&page=${k}`
            : k % 4 === 2
              ? `/stories?fy=2569&q=${encodeURIComponent('วัคซีน')}&page=${(k % 3) + 1}`
              : `/stories?fy=2569&page=${k + 1}`,
        ),
      ],
      ['story page  GET /stories/{id} (200 stories)', storyIds.map((id) => `/stories/${id}`)],
      ['API  GET /api/v1/kpi?fy=2569', ['/api/v1/kpi?fy=2569']],
      [
        'API  GET /api/v1/stories?fy=2569&page=N',
        Array.from({ length: 20 }, (_, k) => `/api/v1/stories?fy=2569&page=${k + 1}`),
      ],
      ['API  GET /api/v1/stories/{id}', storyIds.map((id) => `/api/v1/stories/${id}`)],
    ];
    // Warm up: the read model's first load and each route's first render.
    const warm = Date.now();
    for (const [, paths] of routes)
      for (const p of paths.slice(0, 3)) {
        const res = await fetch(`${dashboard.url}${p}`, { headers: { cookie } });
        if (res.status !== 200) throw new Error(`${p} answered ${res.status} during warm-up`);
        await res.arrayBuffer();
      }
    say(
      `warm-up (read model loaded: ${stories} stories) ${Date.now() - warm} ms; server RSS ${rssMb(pid)} MB`,
    );

    const results: RouteResult[] = [];
    for (const clients of clientLevels)
      for (const [route, paths] of routes) {
        const r = await load({ url: dashboard.url, cookie, paths, clients, seconds, client });
        results.push({ route: `${route}, ${clients} client${clients === 1 ? '' : 's'}`, ...r });
        say(
          `${route}: ${r.requests} requests, ${r.errors} errors, ${r.hits} from the page cache, ${(r.bytes / 1024).toFixed(1)} KB each, p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, ${r.rps.toFixed(0)}/s`,
        );
      }
    const peak = peakRssMb(pid);
    process.stdout.write(
      `\n| route | requests | errors | page cache hits | req/s | p50 ms | p95 ms | p99 ms |\n| --- | --: | --: | --: | --: | --: | --: | --: |\n`,
    );
    for (const r of results)
      process.stdout.write(
        `| ${r.route} | ${r.requests} | ${r.errors} | ${r.hits} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} |\n`,
      );
    process.stdout.write(
      `\nstore: ${services.mongoKind}; ${stories} stories, ${snapshots} snapshots; ${clientLevels.join(' then ')} clients, ${seconds} s per route and level; PAGE_CACHE_SECONDS=${pageCacheSeconds}; load client ${client}; dashboard peak RSS ${peak} MB; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}\n`,
    );
  } finally {
    await dashboard?.stop();
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
    await services.stop();
  }
}

if (process.argv[2] === '--load') void runLoad();
else
  main().catch((err: unknown) => {
    process.stderr.write(`[bench] ${(err as Error).message}\n`);
    process.exit(1);
  });
