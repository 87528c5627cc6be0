import type { CSSProperties, ReactNode } from 'react';

/** A picture with the predicted tumour laid over it; the page's overlay switch (CSS) hides every overlay at once. */
export default function WithTumourOverlay({ overlaySrc, testId, className, style, children }: {
  overlaySrc: string | null;
  testId: string;
  className?: string;
  style?: CSSProperties;
  children: ReactNode;
}) {
  return (
    <div className={className ? `relative ${className}` : 'relative'} style={style}>
      {children}
      {overlaySrc && (
        // eslint-disable-next-line @next/next/no-img-element -- a data URL made from the upload, never stored
        <img src={overlaySrc} alt="" data-testid={testId} className="tumour-overlay absolute inset-0 h-full w-full rounded-md" />
      )}
    </div>
  );
}
