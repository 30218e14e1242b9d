/**
 * `npm run sim`: start the platform simulator alone and print its base URLs, tokens and admin
 * token. Ctrl-C stops it. Run with `--help` for the flags.
 */
import { parseArgs } from 'node:util';
import {
  DatasetFileError,
  describeIssue,
  simulatorOptionsSchema,
  startSimulator,
  type SimulatorOptions,
} from '@reachline/platform-sim';

const HELP = `Usage: npm run sim -- [flags]

  --port N              TCP port (default 4100; 0 = any free port)
  --host ADDR           address to bind (default 127.0.0.1)
  --clock MODE          real | accelerated | fixed (default accelerated)
  --day-seconds N       accelerated clock: wall seconds per simulated day (default 5)
  --start ISO           accelerated clock: simulated start instant
  --at ISO              fixed clock: the instant
  --dataset NAME|FILE   fy2564 | generated | a JSON data set file (default fy2564; schema in
                        packages/platform-sim/README.md, example in packages/platform-sim/examples/)
  --posts N             generated data set: Facebook stories, 10..100000 (default 1000)
  --seed N              seed for data, ids and fault draws (default 2564)
  --live N              live mode: N new posts per simulated day on each live platform
  --live-platforms LIST live mode: platforms that publish, e.g. facebook,instagram,x (default all)
  --error-rate R        share of 5xx answers, 0..1
  --latency-ms N        added latency per request
  --timeout-rate R      share of requests never answered
  --malformed-rate R    share of answers with a cut JSON body
  --batch-null-rate R   share of Facebook batch items answered null (default 0.01)
  --throttle LIST       platforms throttled now, e.g. facebook,x
  --fb-quota N          Facebook BUC calls per window per page (default 4800)
  --admin-token T       admin token (default random)
  --json                print the connection details as one JSON object
  --help                this text`;

class FlagError extends Error {}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n))
    throw new FlagError(`--${name} must be a number, not "${v}".`);
  return n;
}

function options(argv: string[]): { opts: SimulatorOptions; json: boolean } | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        clock: { type: 'string' },
        'day-seconds': { type: 'string' },
        start: { type: 'string' },
        at: { type: 'string' },
        dataset: { type: 'string' },
        posts: { type: 'string' },
        seed: { type: 'string' },
        live: { type: 'string' },
        'live-platforms': { type: 'string' },
        'error-rate': { type: 'string' },
        'latency-ms': { type: 'string' },
        'timeout-rate': { type: 'string' },
        'malformed-rate': { type: 'string' },
        'batch-null-rate': { type: 'string' },
        throttle: { type: 'string' },
        'fb-quota': { type: 'string' },
        'admin-token': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new FlagError(`${(err as Error).message.split('\n')[0] ?? 'bad flags'}; see --help.`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const mode = v.clock ?? 'accelerated';
  let clock: SimulatorOptions['clock'];
  if (mode === 'real') clock = { mode: 'real' };
  else if (mode === 'fixed')
    clock = v.at === undefined ? { mode: 'fixed' } : { mode: 'fixed', at: v.at };
  else if (mode === 'accelerated') {
    clock = { mode: 'accelerated', daySeconds: num('day-seconds', v['day-seconds']) ?? 5 };
    if (v.start !== undefined) clock.start = v.start;
  } else throw new FlagError(`--clock must be real, accelerated or fixed, not "${mode}".`);

  const faults: NonNullable<SimulatorOptions['faults']> = {};
  const rates = [
    ['error-rate', 'errorRate'],
    ['timeout-rate', 'timeoutRate'],
    ['malformed-rate', 'malformedRate'],
    ['batch-null-rate', 'batchNullRate'],
  ] as const;
  for (const [flag, key] of rates) {
    const n = num(flag, v[flag]);
    if (n !== undefined) faults[key] = n;
  }
  const latency = num('latency-ms', v['latency-ms']);
  if (latency !== undefined) faults.latencyMs = latency;
  if (v.throttle !== undefined) {
    faults.throttle = v.throttle.split(',').filter(Boolean) as NonNullable<typeof faults.throttle>;
  }
  const opts: SimulatorOptions = {
    port: num('port', v.port) ?? 4100,
    clock,
    faults,
  };
  if (v.host !== undefined) opts.host = v.host;
  if (v.dataset !== undefined) {
    opts.dataset =
      v.dataset === 'fy2564' || v.dataset === 'generated' ? v.dataset : { file: v.dataset };
  }
  const live = num('live', v.live);
  if (live !== undefined) {
    opts.live = { postsPerDay: live };
    if (v['live-platforms'] !== undefined) {
      opts.live.platforms = v['live-platforms'].split(',').filter(Boolean) as NonNullable<
        typeof opts.live.platforms
      >;
    }
  } else if (v['live-platforms'] !== undefined) {
    throw new FlagError('--live-platforms needs --live N.');
  }
  const posts = num('posts', v.posts);
  if (posts !== undefined) opts.posts = posts;
  const seed = num('seed', v.seed);
  if (seed !== undefined) opts.seed = seed;
  const quota = num('fb-quota', v['fb-quota']);
  if (quota !== undefined) opts.limits = { facebook: { callQuota: quota } };
  if (v['admin-token'] !== undefined) opts.adminToken = v['admin-token'];
  const check = simulatorOptionsSchema.safeParse(opts);
  if (!check.success) throw new FlagError(`Invalid option ${describeIssue(check.error)}.`);
  return { opts, json: v.json === true };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof options>;
  try {
    parsed = options(process.argv.slice(2));
  } catch (err) {
    if (err instanceof FlagError) {
      console.error(`sim: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  if (parsed === 'help') {
    console.log(HELP);
    return;
  }
  let sim;
  try {
    sim = await startSimulator(parsed.opts);
  } catch (err) {
    if (err instanceof DatasetFileError) {
      console.error(`sim: ${err.message}`);
      process.exit(2);
    }
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'EADDRINUSE' ? `port ${String(parsed.opts.port)} is already in use` : e.message;
    console.error(`sim: cannot start the simulator: ${why}.`);
    process.exit(1);
  }
  const clock = (await (
    await fetch(`${sim.admin.url}/clock`, {
      headers: { authorization: `Bearer ${sim.admin.token}` },
    })
  ).json()) as { mode: string; now: string };
  if (parsed.json) {
    console.log(
      JSON.stringify({
        url: sim.url,
        baseUrls: sim.baseUrls,
        rootUrls: sim.rootUrls,
        accounts: sim.accounts,
        admin: sim.admin,
        clock,
      }),
    );
  } else {
    const lines = [
      `Platform simulator on ${sim.url}  (clock ${clock.mode}, now ${clock.now}; ${sim.dataset.posts.length} posts, ${sim.dataset.source ?? sim.dataset.kind}${parsed.opts.live ? `; live: ${parsed.opts.live.postsPerDay} new posts a day` : ''})`,
      '',
      'Base URLs (prefixed):',
      ...Object.entries(sim.baseUrls).map(([p, u]) => `  ${p.padEnd(10)} ${u}`),
      '',
      "Root URLs (the real hosts' paths, for official client libraries):",
      ...Object.entries(sim.rootUrls).map(([p, u]) => `  ${p.padEnd(10)} ${u}`),
      '',
      'Accounts and tokens:',
      ...sim.accounts.map((a) => `  ${a.platform.padEnd(10)} ${a.accountId.padEnd(36)} ${a.token}`),
      '',
      `Admin: ${sim.admin.url}  (Authorization: Bearer ${sim.admin.token})`,
      'Ctrl-C to stop.',
    ];
    console.log(lines.join('\n'));
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`sim: ${(err as Error).message}`);
  process.exit(1);
});
