import { formatPercent } from '@reachline/shared';

/**
 * A bullet of the pass rate against the target: the bar is the rate, the tick is the target.
 * Plain HTML (no JavaScript); its text alternative is the aria-label and the caption.
 */
export function PassRateBullet({
  ratePercent,
  targetPercent,
  caption,
  label,
}: {
  ratePercent: number | null;
  targetPercent: number;
  caption: string;
  label: string;
}) {
  const width = Math.min(100, Math.max(0, ratePercent ?? 0));
  const met = ratePercent !== null && ratePercent >= targetPercent;
  return (
    <figure className="ov-bullet" data-testid="rate-bullet">
      <figcaption>{caption}</figcaption>
      <div className="ov-bullet-track" role="img" aria-label={label}>
        <div
          className={`ov-bullet-fill ${ratePercent === null ? '' : met ? 'ov-met' : 'ov-missed'}`}
          style={{ width: `${width}%` }}
        />
        <div className="ov-bullet-target" style={{ left: `${targetPercent}%` }} />
      </div>
      <div className="ov-bullet-scale" aria-hidden="true">
        <span>0</span>
        <span>50</span>
        <span>100 %</span>
      </div>
      <p className="ov-bullet-value">
        {formatPercent(ratePercent, '–')} % / {formatPercent(targetPercent)} %
      </p>
    </figure>
  );
}
