'use client';
import { ResponsiveLine } from '@nivo/line';
import type { Platform } from '@reachline/shared';
import type { Lang } from '../../lib/i18n/catalog';
import { formatDateBE, formatDateTimeBE, formatNumber } from '../../lib/i18n/format';

export interface ReachChartSeries {
  /** Unique label of the line ("Facebook", "Instagram 2"). */
  id: string;
  platform: Platform;
  counted: boolean;
  /** Epoch milliseconds and reach, oldest first. */
  points: readonly { at: number; reach: number }[];
}

/** Colours per platform, dark enough against white for text and thin lines alike. */
export const PLATFORM_COLOURS: Record<Platform, string> = {
  facebook: '#1f4fa3',
  instagram: '#a3245f',
  x: '#2b2b2b',
  youtube: '#b3261e',
  tiktok: '#0b6e6e',
  line: '#1d7336',
};

/**
 * Reach over time, one line per post, with the story's threshold as a dashed marker. Drawn in the
 * browser (nivo measures its box); the page carries the same numbers as text beside it.
 */
export function ReachChart({
  series,
  threshold,
  thresholdLegend,
  ariaLabel,
  lang,
}: {
  series: readonly ReachChartSeries[];
  threshold: number;
  thresholdLegend: string;
  ariaLabel: string;
  lang: Lang;
}) {
  const data = series.map((s) => ({
    id: s.id,
    data: s.points.map((p) => ({ x: new Date(p.at), y: p.reach })),
  }));
  const top = Math.max(threshold, ...series.flatMap((s) => s.points.map((p) => p.reach)));
  return (
    <div className="reach-chart" data-testid="reach-chart">
      <ResponsiveLine
        data={data}
        role="img"
        ariaLabel={ariaLabel}
        margin={{ top: 16, right: 16, bottom: 44, left: 64 }}
        xScale={{ type: 'time', format: 'native', precision: 'minute', useUTC: true }}
        yScale={{ type: 'linear', min: 0, max: Math.ceil(top * 1.12) }}
        colors={series.map((s) => PLATFORM_COLOURS[s.platform])}
        lineWidth={2}
        pointSize={5}
        pointBorderWidth={0}
        enableGridX={false}
        axisBottom={{
          tickValues: 4,
          format: (v: Date) => formatDateBE(v, lang),
          tickPadding: 6,
        }}
        axisLeft={{ tickValues: 5, format: (v: number) => formatNumber(v, lang) }}
        markers={[
          {
            axis: 'y',
            value: threshold,
            legend: thresholdLegend,
            legendPosition: 'top-left',
            lineStyle: { stroke: '#b3261e', strokeWidth: 2, strokeDasharray: '6 4' },
            textStyle: { fill: '#8c1d17', fontSize: 12, fontWeight: 600 },
          },
        ]}
        useMesh
        animate={false}
        tooltip={({ point }) => (
          <div className="chart-tooltip">
            <strong>{String(point.seriesId)}</strong> {formatNumber(Number(point.data.y), lang)} ·{' '}
            {formatDateTimeBE(point.data.x, lang)}
          </div>
        )}
      />
    </div>
  );
}
