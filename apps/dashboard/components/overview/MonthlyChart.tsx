'use client';
import { ResponsiveBar } from '@nivo/bar';

export interface MonthlyDatum {
  [key: string]: string | number;
  month: string;
}

/** Published and passed stories per month, grouped bars (nivo). The caller adds the text table. */
export function MonthlyChart({
  data,
  publishedKey,
  passedKey,
  label,
}: {
  data: MonthlyDatum[];
  publishedKey: string;
  passedKey: string;
  label: string;
}) {
  return (
    <div className="ov-chart" data-testid="monthly-chart">
      <ResponsiveBar
        data={data}
        keys={[publishedKey, passedKey]}
        indexBy="month"
        groupMode="grouped"
        margin={{ top: 30, right: 12, bottom: 64, left: 40 }}
        padding={0.25}
        innerPadding={1}
        colors={({ id }) => (id === passedKey ? '#1f7a4d' : '#7f9bd0')}
        axisBottom={{ tickRotation: -45, tickSize: 4 }}
        axisLeft={{ tickSize: 4, tickValues: 5 }}
        enableLabel={false}
        role="img"
        ariaLabel={label}
        animate={false}
        legends={[
          {
            dataFrom: 'keys',
            anchor: 'top-left',
            direction: 'row',
            itemWidth: 110,
            itemHeight: 16,
            symbolSize: 12,
            translateY: -26,
          },
        ]}
      />
    </div>
  );
}
