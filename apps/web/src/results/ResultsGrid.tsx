import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import type { ResultSet } from '../query/types.ts';
import { columnWidths, formatCell, isNumericColumn } from './format.ts';

const ROW_HEIGHT = 24;
const INDEX_WIDTH = 56;

/**
 * The result rows, virtualised both ways: only the rows and columns in view are in the DOM, so
 * 100k rows × 50 columns scroll as smoothly as ten.
 */
export function ResultsGrid({ result }: { result: ResultSet }) {
  const scroller = useRef<HTMLDivElement>(null);
  const widths = useMemo(() => columnWidths(result.columns, result.rows), [result]);
  const numeric = useMemo(() => result.columns.map(isNumericColumn), [result]);

  const rows = useVirtualizer({
    count: result.rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const columns = useVirtualizer({
    horizontal: true,
    count: result.columns.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => widths[index] ?? 100,
    overscan: 4,
  });

  const totalWidth = INDEX_WIDTH + columns.getTotalSize();
  const virtualColumns = columns.getVirtualItems();

  return (
    <div className="grid-scroller" ref={scroller}>
      <div
        style={{
          width: totalWidth,
          height: rows.getTotalSize() + ROW_HEIGHT,
          position: 'relative',
        }}
      >
        <div className="grid-header" style={{ width: totalWidth, height: ROW_HEIGHT }}>
          <div className="grid-index grid-corner" style={{ width: INDEX_WIDTH }} />
          {virtualColumns.map((vc) => {
            const column = result.columns[vc.index];
            return (
              <div
                key={vc.key}
                className={`grid-cell grid-head${numeric[vc.index] ? ' num' : ''}`}
                style={{ left: INDEX_WIDTH + vc.start, width: vc.size }}
                title={column?.name}
              >
                {column?.name}
              </div>
            );
          })}
        </div>
        {rows.getVirtualItems().map((vr) => {
          const row = result.rows[vr.index] ?? [];
          return (
            <div
              key={vr.key}
              className={`grid-row${vr.index % 2 ? ' odd' : ''}`}
              style={{
                transform: `translateY(${ROW_HEIGHT + vr.start}px)`,
                height: ROW_HEIGHT,
                width: totalWidth,
              }}
            >
              <div className="grid-index" style={{ width: INDEX_WIDTH }}>
                {vr.index + 1}
              </div>
              {virtualColumns.map((vc) => {
                const cell = formatCell(row[vc.index]);
                return (
                  <div
                    key={vc.key}
                    className={`grid-cell cell-${cell.kind}${numeric[vc.index] ? ' num' : ''}`}
                    style={{ left: INDEX_WIDTH + vc.start, width: vc.size }}
                  >
                    {cell.text}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
