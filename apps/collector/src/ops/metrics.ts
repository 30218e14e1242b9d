/**
 * The collector's Prometheus metrics (prom-client), on one registry of its own. Counters are
 * bumped where the work happens (harvestBatch, the ticks); queue depth is read at scrape time.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'reachline_collector_' });

export const postsHarvested = new Counter({
  name: 'reachline_posts_harvested_total',
  help: 'Posts whose reach was read and stored, by platform.',
  labelNames: ['platform'] as const,
  registers: [registry],
});

export const apiCalls = new Counter({
  name: 'reachline_api_calls_total',
  help: 'Platform API calls (HTTP requests), by platform and outcome (ok or a failure class).',
  labelNames: ['platform', 'outcome'] as const,
  registers: [registry],
});

export const throttleWaits = new Counter({
  name: 'reachline_throttle_waits_total',
  help: 'Times a job was delayed because a platform throttled us or its usage passed 90 %.',
  labelNames: ['platform'] as const,
  registers: [registry],
});

export const jobDuration = new Histogram({
  name: 'reachline_job_duration_seconds',
  help: 'Duration of discovery and harvest jobs.',
  labelNames: ['queue', 'status'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [registry],
});

export const queueDepth = new Gauge({
  name: 'reachline_queue_depth',
  help: 'Jobs in the queues, by queue and state (read at scrape time).',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
});

export const duePosts = new Gauge({
  name: 'reachline_harvest_due_posts',
  help: 'Posts due for a harvest now, and posts in flight (read at scrape time).',
  labelNames: ['state'] as const,
  registers: [registry],
});
