/** One figure with its label: presentational only, no data fetching. */
export function KpiCard({
  label,
  value,
  note,
  tone,
  testId,
}: {
  label: string;
  value: string;
  note?: string;
  tone?: 'pass' | 'fail' | undefined;
  testId?: string;
}) {
  return (
    <div className="card" data-testid={testId}>
      <div className="label">{label}</div>
      <div className={`value ${tone ?? ''}`}>{value}</div>
      {note ? <div className="note">{note}</div> : null}
    </div>
  );
}
