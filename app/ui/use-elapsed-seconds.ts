'use client';

import { useEffect, useState } from 'react';

/** Seconds since `running` became true, ticking while it stays true: long work should never look frozen. */
export function useElapsedSeconds(running: boolean): number {
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [now, setNow] = useState(0);
  useEffect(() => {
    if (!running) return setStartedAt(null);
    const started = Date.now();
    setStartedAt(started);
    setNow(started);
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [running]);
  return startedAt === null ? 0 : Math.floor((now - startedAt) / 1000);
}
