'use client';
import { ResponsiveBar } from '@nivo/bar';

export interface ReachBinDatum {
  [key: string]: string | number;
  bin: string;
  stories: number;
}

/**
 * How many stories fall in each reach range (nivo bars), bins below the line in red, the others
 * in green, and the threshold marked where the first passing bin starts.
 */
export function ReachHistogram({
  data,
  lineAt,
  lineLabel,
  passingBins,
  label,
}: {
  data: ReachBinDatum[];
  /** The label of the first bin at or above the threshold (its left edge is the line). */
  lineAt: string | null;
  lineLabel: string;
  passingBins: string[];
  label: string;
}) {
  const passing = new Set(passingBins);
  return (
    <div className="ov-chart" data-testid="reach-chart">
      <ResponsiveBar
        data={data}
        keys={['stories']}
        indexBy="bin"
        margin={{ top: 20, right: 12, bottom: 72, left: 40 }}
        padding={0.12}
        colors={({ indexValue }) => (passing.has(String(indexValue)) ? '#1f7a4d' : '#b3261e')}
        axisBottom={{ tickRotation: -45, tickSize: 4 }}
        axisLeft={{ tickSize: 4, tickValues: 5 }}
        enableLabel={false}
        role="img"
        ariaLabel={label}
        animate={false}
        markers={
          lineAt === null
            ? []
            : [
                {
                  axis: 'x',
                  value: lineAt,
                  legend: lineLabel,
                  legendPosition: 'top-left',
                  lineStyle: { stroke: '#1d2433', strokeWidth: 2, strokeDasharray: '6 4' },
                  textStyle: { fill: '#1d2433', fontSize: 12 },
                },
              ]
        }
      />
    </div>
  );
}
