import type { TimelineBand, TimelineBucket } from '../../core/timeline';
import { t } from '../shared/i18n';
import { BAND_KEYS } from '../shared/message-keys';

const BANDS: readonly TimelineBand[] = ['silent', 'asked', 'failed'];

const WIDTH = 720;
const HEIGHT = 120;

/** Stacked bars of challenges over time, one colour per band; plain SVG, no chart library. */
export function TimelineChart({ buckets }: { buckets: readonly TimelineBucket[] }) {
  if (buckets.length === 0) return null;
  const max = Math.max(1, ...buckets.map((b) => b.counts.silent + b.counts.asked + b.counts.failed));
  const barWidth = WIDTH / buckets.length;
  const first = buckets[0]!;
  const last = buckets[buckets.length - 1]!;
  return (
    <figure class="timeline" data-testid="timeline">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        width="100%"
        height={HEIGHT}
        role="img"
        aria-label={t('diagTimeline')}
      >
        {buckets.map((b, i) => {
          let y = HEIGHT;
          return (
            <g key={i}>
              {BANDS.map((band) => {
                const h = (b.counts[band] / max) * (HEIGHT - 4);
                y -= h;
                return h > 0 ? (
                  <rect key={band} class={`band-${band}`} x={i * barWidth + 1} y={y} width={Math.max(1, barWidth - 2)} height={h} />
                ) : null;
              })}
              <title>
                {new Date(b.start).toLocaleString()}: {b.counts.silent} / {b.counts.asked} / {b.counts.failed}
              </title>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span class="muted small">{new Date(first.start).toLocaleString()}</span>
        <span class="legend">
          {BANDS.map((band) => (
            <span key={band}>
              <i class={`swatch band-${band}`} /> {t(BAND_KEYS[band])}
            </span>
          ))}
        </span>
        <span class="muted small">{new Date(last.end).toLocaleString()}</span>
      </figcaption>
    </figure>
  );
}
