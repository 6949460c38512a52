/**
 * Saved chart configurations, in the two shapes the studio wrote to `libredb_saved_charts`.
 *
 * Up to the storage facade (2026-03-03) DataCharts wrote the key itself
 * (src/components/DataCharts.tsx @ v0.7.0): no `createdAt`, and `dateGrouping: ""` when no
 * grouping is chosen. Since then it calls `storage.saveChart` (DataCharts.tsx and
 * src/lib/storage/storage-facade.ts @ HEAD c144361f): `dateGrouping` left out when unset and
 * `createdAt` stamped. The key was never renamed, so a browser that used both keeps both shapes
 * in one array. `query` and `connectionId` of `SavedChartConfig` are written by no code path.
 * Ids are `Date.now()` strings.
 */
import type { LegacyRng } from './random.ts';
import { STUDIO_DATES } from './timeline.ts';
import type {
  AggregationType,
  ChartType,
  DateGrouping,
  LibredbSavedChart,
  OrchidsSavedChart,
  StudioSavedChart,
} from './types.ts';

export interface LegacySavedChartOptions {
  savedAt: Date;
  /** Default: `orchids` before the storage facade, `libredb` after. */
  shape?: 'orchids' | 'libredb';
  name?: string;
  chartType?: ChartType;
  aggregation?: AggregationType;
  /** `null` for "no grouping". */
  dateGrouping?: DateGrouping | null;
}

export function legacySavedChart(
  rng: LegacyRng,
  options: LegacySavedChartOptions,
): StudioSavedChart {
  const shape =
    options.shape ?? (options.savedAt < STUDIO_DATES.storageFacade ? 'orchids' : 'libredb');
  const chartType =
    options.chartType ??
    rng.pick<ChartType>([
      'bar',
      'line',
      'pie',
      'area',
      'scatter',
      'histogram',
      'stacked-bar',
      'stacked-area',
    ]);
  const grouping =
    options.dateGrouping === undefined
      ? rng.pick<DateGrouping | null>([null, null, 'day', 'month', 'year', 'hour', 'week'])
      : options.dateGrouping;
  const common = {
    id: String(options.savedAt.getTime()),
    // The save dialog trims the name and refuses a blank one.
    name: (
      options.name ?? rng.pick(['Hires per month', 'Revenue by region', 'Orders — p95 latency'])
    ).trim(),
    chartType,
    xAxis: rng.pick(['hired_at', 'region', 'day']),
    yAxis: rng.pick([['count'], ['revenue', 'cost'], ['p95_ms']]),
    aggregation:
      options.aggregation ??
      rng.pick<AggregationType>(['none', 'sum', 'avg', 'count', 'min', 'max']),
  };
  if (shape === 'orchids') {
    const chart: OrchidsSavedChart = { ...common, dateGrouping: grouping ?? '' };
    return chart;
  }
  const chart: LibredbSavedChart = {
    ...common,
    dateGrouping: grouping ?? undefined,
    createdAt: options.savedAt,
  };
  return chart;
}
