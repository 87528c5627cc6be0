// Connected parts of a binary map, as training/decision.py's remove_small (scipy.ndimage.label, 8-connected).

/** Clears (in place) every 8-connected component of `on` smaller than `minPixels`; returns how many pixels remain. */
export function removeSmallComponents(on: Uint8Array, width: number, height: number, minPixels: number): number {
  let remaining = 0;
  for (let i = 0; i < on.length; i++) remaining += on[i] ? 1 : 0;
  if (minPixels <= 1 || remaining === 0) return remaining;
  const seen = new Uint8Array(on.length);
  const stack = new Int32Array(on.length);
  const members: number[] = [];
  for (let start = 0; start < on.length; start++) {
    if (!on[start] || seen[start]) continue;
    members.length = 0;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const p = stack[--top];
      members.push(p);
      const x = p % width, y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (on[q] && !seen[q]) {
            seen[q] = 1;
            stack[top++] = q;
          }
        }
      }
    }
    if (members.length < minPixels) {
      for (const p of members) on[p] = 0;
      remaining -= members.length;
    }
  }
  return remaining;
}
