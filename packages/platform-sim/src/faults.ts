/**
 * Fault switches: set at start, changed at run time through `/_sim/faults`. Rates are shares in
 * [0, 1]; 0 and 1 are deterministic, anything between draws from a seeded generator.
 */
import { z } from 'zod';
import { mulberry32, type Rng } from './prng';
import { PLATFORMS, type Platform } from './types';

const rate = z.number().min(0).max(1);
const platform = z.enum(PLATFORMS);
const metricList = z.array(z.string().min(1).max(100)).max(50);

export const faultSettingsSchema = z
  .object({
    /** Share of requests answered with the platform's own 5xx error. */
    errorRate: rate,
    /** Added latency per request, milliseconds. */
    latencyMs: z.number().int().min(0).max(120_000),
    /** Share of requests never answered; the socket is destroyed after `timeoutMs`. */
    timeoutRate: rate,
    timeoutMs: z.number().int().min(1).max(600_000),
    /** Share of answers whose JSON body is cut in half. */
    malformedRate: rate,
    /** Share of Facebook batch items answered `null` (not completed; not counted). */
    batchNullRate: rate,
    /** Share of Facebook batch items answered with the batch timeout error (code 960). */
    batchTimeoutRate: rate,
    /** Platforms the four faults above apply to; empty = all. */
    platforms: z.array(platform).max(PLATFORMS.length),
    /** Platforms that answer every call with their throttling error right now. */
    throttle: z.array(platform).max(PLATFORMS.length),
    /** Extra metric names to treat as retired (failing the whole insights call). */
    retiredMetrics: z.object({ facebook: metricList, instagram: metricList }).strict(),
  })
  .strict();

export type FaultSettings = z.infer<typeof faultSettingsSchema>;

export const faultPatchSchema = faultSettingsSchema
  .extend({
    retiredMetrics: z
      .object({ facebook: metricList.optional(), instagram: metricList.optional() })
      .strict(),
  })
  .partial()
  .strict();
export type FaultPatch = z.infer<typeof faultPatchSchema>;

export const DEFAULT_FAULTS: FaultSettings = {
  errorRate: 0,
  latencyMs: 0,
  timeoutRate: 0,
  timeoutMs: 30_000,
  malformedRate: 0,
  batchNullRate: 0.01,
  batchTimeoutRate: 0,
  platforms: [],
  throttle: [],
  retiredMetrics: { facebook: [], instagram: [] },
};

function merge(base: FaultSettings, patch: FaultPatch): FaultSettings {
  const { retiredMetrics, ...rest } = patch;
  const out: FaultSettings = { ...base, ...rest };
  if (retiredMetrics) out.retiredMetrics = { ...base.retiredMetrics, ...retiredMetrics };
  return structuredClone(out);
}

export class Faults {
  private settings: FaultSettings;
  private readonly initial: FaultSettings;
  private readonly rng: Rng;

  constructor(initial: FaultPatch, seed: number) {
    this.initial = merge(DEFAULT_FAULTS, initial);
    this.settings = structuredClone(this.initial);
    this.rng = mulberry32(seed ^ 0x5eed);
  }

  get(): FaultSettings {
    return structuredClone(this.settings);
  }

  patch(p: FaultPatch): FaultSettings {
    this.settings = merge(this.settings, p);
    return this.get();
  }

  /** Back to the faults given at start. */
  reset(): void {
    this.settings = structuredClone(this.initial);
  }

  /** Every switch off (not even occasional batch nulls). */
  clear(): void {
    this.settings = structuredClone({ ...DEFAULT_FAULTS, batchNullRate: 0 });
  }

  roll(r: number): boolean {
    if (r <= 0) return false;
    if (r >= 1) return true;
    return this.rng() < r;
  }

  /** Whether the request-level faults (5xx, latency, timeout, malformed) apply to a platform. */
  appliesTo(p: Platform): boolean {
    return this.settings.platforms.length === 0 || this.settings.platforms.includes(p);
  }

  throttled(p: Platform): boolean {
    return this.settings.throttle.includes(p);
  }

  retired(p: 'facebook' | 'instagram', metric: string): boolean {
    return this.settings.retiredMetrics[p].includes(metric);
  }
}
