/** A horizontal bar chart as plain SVG: values are written beside each bar, so colour is never the only signal. */
export interface Bar {
  label: string;
  value: number;
}

export function BarChart({ id, title, desc, bars, unit = "" }: { id: string; title: string; desc?: string; bars: Bar[]; unit?: string }) {
  const rowH = 34;
  const labelW = 210;
  const width = 600;
  const barMax = width - labelW - 70;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(1, bars.length) * rowH + 10;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-t ${id}-d`} xmlns="http://www.w3.org/2000/svg">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{desc ?? bars.map((b) => `${b.label}: ${b.value}${unit}`).join("; ")}</desc>
        {bars.length === 0 ? (
          <text x="0" y="24" font-size="16" fill="#111">
            Nothing to show.
          </text>
        ) : null}
        {bars.map((b, i) => {
          const y = i * rowH + 5;
          const w = Math.round((b.value / max) * barMax);
          return (
            <g>
              <text x={labelW - 8} y={y + rowH / 2 + 5} font-size="15" text-anchor="end" fill="#111">
                {b.label.length > 26 ? `${b.label.slice(0, 25)}…` : b.label}
              </text>
              <rect x={labelW} y={y + 4} width={Math.max(w, b.value > 0 ? 2 : 0)} height={rowH - 10} fill="#0b3d6e" />
              <text x={labelW + w + 6} y={y + rowH / 2 + 5} font-size="15" font-weight="700" fill="#111">
                {`${b.value}${unit}`}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

/** Count rows by a key, in the order keys are first met (or sorted by the caller). */
export function countBy<T>(rows: T[], key: (r: T) => string, include: (r: T) => boolean = () => true): Bar[] {
  const m = new Map<string, number>();
  for (const r of rows) {
    const k = key(r);
    if (!m.has(k)) m.set(k, 0);
    if (include(r)) m.set(k, m.get(k)! + 1);
  }
  return [...m].map(([label, value]) => ({ label, value }));
}
