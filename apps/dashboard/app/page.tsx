import { formatPercent } from '@reachline/shared';
import { StoreUnavailableError } from '../lib/db';
import { getKpiOverview, type KpiOverview } from '../lib/queries/getKpiOverview';
import { KpiCard } from '../components/KpiCard';

export const dynamic = 'force-dynamic';

const number = new Intl.NumberFormat('th-TH');

/** The default year: FY2564 is the year on record until harvesting fills the current one. */
const DEFAULT_FISCAL_YEAR = 2564;

/** `?fy=` as a Buddhist-Era fiscal year, the default when absent, or an error to show. */
function parseFiscalYear(value: string | string[] | undefined): number | { error: string } {
  if (value === undefined) return DEFAULT_FISCAL_YEAR;
  if (typeof value === 'string' && /^25\d\d$/.test(value)) return Number(value);
  return {
    error: `ปีงบประมาณต้องเป็นปี พ.ศ. สี่หลัก เช่น 2564 · The fiscal year (fy) must be a Buddhist-Era year such as 2564, not "${String(value)}".`,
  };
}

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const fiscalYear = parseFiscalYear(params.fy);
  if (typeof fiscalYear !== 'number') {
    return (
      <section className="error-box" role="alert">
        <h1>ปีงบประมาณไม่ถูกต้อง · Invalid fiscal year</h1>
        <p>{fiscalYear.error}</p>
        <p>
          <a href="/">กลับไปหน้าหลัก · Back to the overview</a>
        </p>
      </section>
    );
  }

  let kpi: KpiOverview;
  try {
    kpi = await getKpiOverview(fiscalYear);
  } catch (err) {
    const message =
      err instanceof StoreUnavailableError ? err.message : 'The store did not answer. Try again.';
    return (
      <section className="error-box" role="alert">
        <h1>ไม่สามารถอ่านข้อมูลได้ · Data unavailable</h1>
        <p>{message}</p>
      </section>
    );
  }

  const rateMet = kpi.passRatePercent !== null && kpi.passRatePercent >= kpi.targetPercent;
  return (
    <>
      <h1>
        ตัวชี้วัดปีงบประมาณ {kpi.fiscalYear} · KPI, fiscal year {kpi.fiscalYear}
      </h1>
      <p className="tagline">
        เป้าหมาย: ร้อยละ {kpi.targetPercent} ของอินโฟกราฟิกที่นำเสนอ ({kpi.targetStories} เรื่อง)
        ต้องมีผู้เข้าชมไม่น้อยกว่า {number.format(kpi.threshold)} ราย · Goal: {kpi.targetPercent} % of the
        infographics presented reach at least {number.format(kpi.threshold)} people.
      </p>
      <div className="cards">
        <KpiCard
          testId="kpi-published"
          label="เผยแพร่แล้ว · Published"
          value={number.format(kpi.published)}
          note="เรื่อง · stories"
        />
        <KpiCard
          testId="kpi-passed"
          label={`ถึง ${number.format(kpi.threshold)} · Reached ${number.format(kpi.threshold)}`}
          value={number.format(kpi.passed)}
          note={`ยังไม่ถึง ${number.format(kpi.published - kpi.passed)} เรื่อง · below the line`}
        />
        <KpiCard
          testId="kpi-rate"
          label="อัตราผ่าน · Pass rate"
          value={`${formatPercent(kpi.passRatePercent, '–')} %`}
          note={`เป้า ${kpi.targetPercent} % · target`}
          tone={kpi.passRatePercent === null ? undefined : rateMet ? 'pass' : 'fail'}
        />
        <KpiCard
          testId="kpi-quota"
          label="ความคืบหน้าตามโควตา · Toward the quota"
          value={`${number.format(kpi.passed)} / ${number.format(kpi.quota)}`}
          note={
            kpi.quotaProgress.met
              ? 'ครบตามเป้าแล้ว · quota met'
              : `ขาดอีก ${number.format(kpi.quotaProgress.remaining)} เรื่อง · to go`
          }
          tone={kpi.quotaProgress.met ? 'pass' : undefined}
        />
      </div>
    </>
  );
}
