import type { CSSProperties, ReactNode } from 'react';

/** A column heading; `hidden` headings are read by screen readers only (e.g. a column of buttons). */
export type Column = string | { label: string; hidden: true };

/** The heading of a column of row actions: not shown, but announced. */
export const actionsColumn: Column = { label: 'Actions', hidden: true };

/**
 * A table of `items`, one row each from `children`, under a row of column headings.
 * Columns given as `false` are left out (e.g. actions only some roles may take).
 * With `empty`, an empty list shows that instead of a table without rows.
 * `wrap` scrolls a wide table sideways inside its own box (`'card'`: a box that looks like a card);
 * `footer` (e.g. a pager) goes below the table, in that box.
 */
export function DataTable<T>({
  items,
  columns,
  children,
  empty,
  caption,
  label,
  wrap,
  style,
  footer,
}: {
  items: readonly T[];
  columns: readonly (Column | false)[];
  /** One `<tr>` (with its key) for an item and its place in `items`. */
  children: (item: T, index: number) => ReactNode;
  empty?: ReactNode;
  /** A caption for screen readers. */
  caption?: string;
  /** The table's accessible name, where it has no caption. */
  label?: string;
  wrap?: boolean | 'card';
  style?: CSSProperties;
  footer?: ReactNode;
}) {
  if (items.length === 0 && empty !== undefined) return <>{empty}</>;
  const table = (
    <table aria-label={label}>
      {caption && <caption className="sr-only">{caption}</caption>}
      <thead>
        <tr>
          {columns.map((c) =>
            c === false ? null : typeof c === 'string' ? (
              <th key={c} scope="col">
                {c}
              </th>
            ) : (
              <th key={c.label} scope="col">
                <span className="sr-only">{c.label}</span>
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>{items.map((item, index) => children(item, index))}</tbody>
    </table>
  );
  if (!wrap) return table;
  return (
    <div className={wrap === 'card' ? 'table-wrap card' : 'table-wrap'} style={style}>
      {table}
      {footer}
    </div>
  );
}
