import type { ReactNode } from 'react';

/**
 * The box of a table wider than a narrow screen: it scrolls on its own, so it is a named region that takes
 * keyboard focus, letting keyboard users scroll it with the arrow keys.
 */
export function ScrollTable({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
