// Route matchers of proxy.ts compare headers with regular expressions only: this writes "a decimal number above N" as one.

/** A pattern (anchored by Next as ^...$) for the decimal integers greater than `limit`, leading zeros allowed. */
export function greaterThanPattern(limit: number): string {
  const digits = String(limit);
  const longer = `0*[1-9]\\d{${digits.length},}`;
  const sameLength = [...digits].flatMap((digit, i) => {
    if (digit === '9') return [];
    const rest = digits.length - i - 1;
    return [`${digits.slice(0, i)}[${Number(digit) + 1}-9]${rest ? `\\d{${rest}}` : ''}`];
  });
  return `(${[longer, ...sameLength.map((p) => `0*${p}`)].join('|')})`;
}
