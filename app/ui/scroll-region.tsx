import type { ReactNode } from 'react';

/** A wide table's frame, scrolled sideways on a narrow screen: named and reachable by keyboard, so it can be scrolled without a mouse. */
export default function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className="overflow-x-auto focus-visible:outline-2 focus-visible:outline-teal-600">
      {children}
    </div>
  );
}
