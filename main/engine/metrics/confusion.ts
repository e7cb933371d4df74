/** Index of the most probable class of row i. */
export function argmaxRow(probs: Float32Array, i: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (probs[i * classes + c] > probs[i * classes + best]) best = c;
  return best;
}

/** Confusion matrix: counts[true][predicted] with prediction = most probable class. */
export function confusionMatrix(probs: Float32Array, labels: Int32Array, classes: number): { counts: number[][]; rowNormalised: number[][] } {
  const counts = Array.from({ length: classes }, () => new Array(classes).fill(0));
  for (let i = 0; i < labels.length; i++) {
    counts[labels[i]][argmaxRow(probs, i, classes)]++;
  }
  const rowNormalised = counts.map((row) => {
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (s > 0 ? v / s : 0));
  });
  return { counts, rowNormalised };
}
